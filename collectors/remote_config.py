"""Remote configuration: pull a new config version, trial it, keep it or roll back.

The journal (and its sequence numbers) stays open across the swap, so no
journaled reading is lost; sampling pauses only while one agent stops and the
next starts (well under a second), and the candidate samples during its trial.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from collectors import protocol
from collectors.config import Config, ConfigError, parse

log = logging.getLogger(__name__)
H_VERSION = "X-SafeAtlas-Config-Version"
FETCH_TIMEOUT = 10.0


class RemoteConfigError(Exception):
    """`refused`: the platform answered, but with something the agent will not run."""

    def __init__(self, message: str, refused: bool = True):
        super().__init__(message)
        self.refused = refused


def _key(cfg: Config) -> bytes:
    rc = cfg.remote_config or {}
    path = str(cfg.resolve(rc["hmac_key_file"])) if "hmac_key_file" in rc else None
    return protocol.read_key(rc.get("hmac_key"), path)


def fetch(cfg: Config) -> str | None:
    """GET the platform's config for this gateway; None when there is nothing newer.

    The request carries a fresh random nonce; the platform must sign its answer
    over that same nonce (§7), so a captured answer cannot be replayed later.
    """
    rc = cfg.remote_config or {}
    key = _key(cfg)
    headers = protocol.sign(key, b"", cfg.gateway_id)
    nonce = headers[protocol.H_NONCE]
    headers[H_VERSION] = cfg.version
    req = urllib.request.Request(rc["url"], headers=headers)
    ctx = ssl.create_default_context(cafile=str(cfg.resolve(rc["ca_file"]))) \
        if "ca_file" in rc else None
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT, context=ctx) as resp:
            body = resp.read()
            if resp.status != 200:
                return None
            sig = {k: resp.headers.get(k, "") for k in
                   (protocol.H_TIMESTAMP, protocol.H_NONCE, protocol.H_SIGNATURE)}
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteConfigError(f"fetch failed: {exc}", refused=False) from None
    # An empty body is never a config; refusing it also means the agent's own
    # request signature (over an empty body) cannot be reflected back as an answer.
    if not body:
        raise RemoteConfigError("config response is empty")
    # The platform signs the config with the gateway key: TLS alone would let any
    # trusted-CA interceptor reconfigure a plant's agent.
    if not protocol.verify_signature(key, body, sig):
        raise RemoteConfigError("config signature invalid")
    # ... over this request's nonce: a valid answer to an earlier poll is a replay.
    if not hmac.compare_digest(sig[protocol.H_NONCE].encode(), nonce.encode()):
        raise RemoteConfigError("config response nonce does not match the request (replayed)")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteConfigError("config is not UTF-8") from None


def candidate_version(text: str) -> str | None:
    """The `version` a candidate claims, for reporting even when it does not validate."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return str(doc["version"]) if isinstance(doc, dict) and "version" in doc else None


def version_number(version: str) -> int | None:
    """A config version as §7 compares it: ASCII digits only (a YAML integer >= 0)."""
    return int(version) if re.fullmatch(r"[0-9]+", version) else None


def _running_number(version: str) -> int:
    # A local file may carry any string as its version: it then counts as -1, so
    # any remote version is newer; from then on the running version is an integer.
    number = version_number(version)
    return -1 if number is None else number


def validate(text: str, current: Config) -> Config:
    """Parse a candidate; relative paths resolve as for the local file."""
    try:
        new = parse(text, "remote-config", current.path)
    except ConfigError as exc:
        raise RemoteConfigError(f"invalid config: {'; '.join(exc.problems)}") from None
    # Versions only move forward: an older (or the same) signed config is refused.
    number = version_number(new.version)
    if number is None:
        raise RemoteConfigError(
            f"version: {new.version!r} is not a non-negative integer (required remotely)")
    if number <= _running_number(current.version):
        raise RemoteConfigError(
            f"version: {new.version!r} is not newer than the running version "
            f"{current.version!r}")
    # Sequence numbers belong to one gateway and one journal: a swap must keep both.
    for key, old, cand in (("agent.gateway_id", current.gateway_id, new.gateway_id),
                           ("agent.journal", current.journal, new.journal)):
        if old != cand:
            raise RemoteConfigError(f"invalid config: {key}: cannot be changed remotely")
    return new


def persist(path: Path, text: str) -> None:
    """Atomically replace the config file, keeping the previous one as .prev."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    if path.exists():
        os.replace(path, path.with_name(path.name + ".prev"))
    os.replace(tmp, path)


def trial_seconds(cfg: Config) -> float:
    return float((cfg.remote_config or {}).get("trial_seconds", 10))


async def trial(agent, seconds: float) -> str | None:
    """Watch a started agent; None if it passes, else why it failed.

    It passes when no loop crashed for `seconds` and some source answered a read.
    """
    deadline = time.monotonic() + seconds
    while True:
        exc = agent.failed_task()
        if exc is not None:
            return f"a loop crashed: {exc!r}"
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.1)
    if not any(s.state.reads_ok for s in agent.sources.values()):
        errors = {sid: s.state.last_error for sid, s in agent.sources.items()}
        return f"no source answered within {seconds:g}s: {errors}"
    return None
