"""Load and validate the agent YAML configuration.

Errors name the file, the line and the key path (``points[3].type``) so the
person on site can fix the file without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from collectors.config_schema import SCHEMA

DEFAULT_PERIOD = 1.0


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Scale:
    raw_lo: float
    raw_hi: float
    eng_lo: float
    eng_hi: float
    clamp: bool = True


@dataclass(frozen=True)
class Point:
    id: str
    source: str
    period: float
    table: str = "holding"
    address: int = 0
    type: str = "uint16"
    word_order: str = "big"
    byte_order: str = "big"
    node: str | None = None
    namespace_uri: str | None = None
    scale: Scale | None = None
    unit: str = ""
    deadband: float | None = None


@dataclass
class Config:
    raw: dict[str, Any]
    path: Path | None
    gateway_id: str
    journal: Path
    journal_max_records: int
    heartbeat_interval: float
    watchdog_timeout: float
    status_file: Path
    sources: dict[str, dict[str, Any]]
    points: list[Point]
    uplinks: list[dict[str, Any]]
    remote_config: dict[str, Any] | None = None
    version: str = ""
    log_level: str = "INFO"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def uplink_ids(self) -> list[str]:
        return [u["id"] for u in self.uplinks]

    def resolve(self, value: str) -> Path:
        """Resolve a file path from the config relative to the config's directory."""
        base = self.path.parent if self.path else Path.cwd()
        return (base / value).resolve()


def _line_map(text: str) -> dict[tuple, int]:
    """Map every key path in the YAML document to its 1-based line number."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
                lines[path + (key.value,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def _fmt_path(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def _where(name: str, lines: dict[tuple, int], path: tuple) -> str:
    probe = tuple(path)
    while probe not in lines and probe:
        probe = probe[:-1]
    return f"{name}:{lines.get(probe, 1)}: {_fmt_path(tuple(path))}"


def _schema_problems(doc: Any, name: str, lines: dict[tuple, int]) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        message = err.message
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            path = path + (extra[0],) if extra else path
            message = f"unknown key(s) {', '.join(map(repr, extra))}"
        problems.append(f"{_where(name, lines, path)}: {message}")
    return problems


def _check_ids(doc: dict, name: str, lines: dict[tuple, int]) -> list[str]:
    problems = []
    for section in ("sources", "points", "uplinks"):
        seen: set[str] = set()
        for i, item in enumerate(doc.get(section, [])):
            if item["id"] in seen:
                problems.append(f"{_where(name, lines, (section, i, 'id'))}: duplicate id "
                                f"{item['id']!r}")
            seen.add(item["id"])
    return problems


def _check_point(pt: dict, src: dict | None, where: str) -> list[str]:
    if src is None:
        return [f"{where}.source: unknown source {pt['source']!r}"]
    problems = []
    if src["type"] == "opcua":
        if "node" not in pt:
            problems.append(f"{where}: OPC UA point needs 'node' (browse path)")
        if "namespace_uri" not in pt and "namespace_uri" not in src:
            problems.append(f"{where}: needs 'namespace_uri' (on the point or its source)")
        problems += [f"{where}.{k}: not valid for an OPC UA point"
                     for k in ("table", "address", "word_order", "byte_order") if k in pt]
    else:
        if "address" not in pt:
            problems.append(f"{where}: Modbus point needs 'address'")
        if "node" in pt:
            problems.append(f"{where}.node: not valid for a Modbus point")
        bits = pt.get("table") in ("coil", "discrete")
        if bits and pt.get("type", "bool") != "bool":
            problems.append(f"{where}.type: coils/discrete inputs are 'bool'")
        if not bits and pt.get("type") == "bool":
            problems.append(f"{where}.type: registers cannot be 'bool'")
    scale = pt.get("scale")
    if scale and scale["raw"][0] == scale["raw"][1]:
        problems.append(f"{where}.scale.raw: low and high must differ")
    return problems


def _semantic_problems(doc: dict, name: str, lines: dict[tuple, int]) -> list[str]:
    problems = _check_ids(doc, name, lines)
    sources = {s["id"]: s for s in doc["sources"]}
    for i, pt in enumerate(doc["points"]):
        where = _where(name, lines, ("points", i))
        problems += _check_point(pt, sources.get(pt["source"]), where)
    for i, src in enumerate(doc["sources"]):
        if src["type"] == "opcua":
            problems += _check_opcua_security(src, _where(name, lines, ("sources", i)))
    for i, up in enumerate(doc["uplinks"]):
        if up["type"] == "https" and not (up.get("hmac_key") or up.get("hmac_key_file")):
            problems.append(f"{_where(name, lines, ('uplinks', i))}: https uplink needs "
                            "'hmac_key' or 'hmac_key_file'")
        enc = up.get("encryption")
        if enc and not (enc.get("key") or enc.get("key_file")):
            problems.append(f"{_where(name, lines, ('uplinks', i, 'encryption'))}: needs "
                            "'key' or 'key_file'")
    rc = doc.get("remote_config")
    if rc and not (rc.get("hmac_key") or rc.get("hmac_key_file")):
        # The config document is verified with the gateway key: no key, no trust.
        problems.append(f"{_where(name, lines, ('remote_config',))}: needs 'hmac_key' or "
                        "'hmac_key_file' (the gateway key the platform signs configs with)")
    return problems


def _check_opcua_security(src: dict, where: str) -> list[str]:
    sec = src.get("security", {"mode": "none"})
    problems = []
    if sec["mode"] != "none":
        problems += [f"{where}.security: '{k}' is required for mode {sec['mode']}"
                     for k in ("policy", "certificate", "private_key") if k not in sec]
    # A password over an unencrypted channel is readable on the plant network.
    if ("username" in src and sec["mode"] != "sign_and_encrypt"
            and not src.get("allow_password_without_encryption")):
        problems.append(f"{where}.username: a password needs security mode sign_and_encrypt "
                        "(or allow_password_without_encryption: true)")
    return problems


def parse(text: str, name: str = "<config>", path: Path | None = None) -> Config:
    """Validate YAML text and build a :class:`Config`; raise :class:`ConfigError`."""
    try:
        doc = yaml.safe_load(text)
        lines = _line_map(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ConfigError([f"{name}:{line}: YAML syntax error: {exc}"]) from None
    if not isinstance(doc, dict):
        raise ConfigError([f"{name}:1: the file must be a mapping of "
                           "agent/sources/points/uplinks"])
    problems = _schema_problems(doc, name, lines)
    if not problems:
        problems = _semantic_problems(doc, name, lines)
    if problems:
        raise ConfigError(problems)
    return _build(doc, path)


def load(path: str | Path) -> Config:
    """Read and validate a configuration file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    return parse(text, str(path), path)


def _build_point(pt: dict, src: dict) -> Point:
    scale = pt.get("scale")
    table = pt.get("table", "holding")
    default_type = "bool" if table in ("coil", "discrete") else "uint16"
    return Point(
        id=pt["id"], source=pt["source"],
        period=float(pt.get("period", src.get("period", DEFAULT_PERIOD))),
        table=table, address=pt.get("address", 0), type=pt.get("type", default_type),
        word_order=pt.get("word_order", "big"), byte_order=pt.get("byte_order", "big"),
        node=pt.get("node"), namespace_uri=pt.get("namespace_uri", src.get("namespace_uri")),
        scale=Scale(*scale["raw"], *scale["eng"], scale.get("clamp", True)) if scale else None,
        unit=pt.get("unit", ""), deadband=pt.get("deadband"),
    )


def _build(doc: dict, path: Path | None) -> Config:
    agent = doc["agent"]
    base = path.parent if path else Path.cwd()
    journal = (base / agent["journal"]).resolve()
    sources = {s["id"]: s for s in doc["sources"]}
    return Config(
        raw=doc, path=path, gateway_id=agent["gateway_id"], journal=journal,
        journal_max_records=agent.get("journal_max_records", 5_000_000),
        heartbeat_interval=float(agent.get("heartbeat_interval", 30)),
        watchdog_timeout=float(agent.get("watchdog_timeout", 60)),
        status_file=(base / agent.get("status_file", str(journal) + ".status.json")).resolve(),
        sources=sources,
        points=[_build_point(p, sources[p["source"]]) for p in doc["points"]],
        uplinks=list(doc["uplinks"]), remote_config=doc.get("remote_config"),
        version=str(doc.get("version", "")), log_level=agent.get("log_level", "INFO"),
    )
