"""Command line: ``safeatlas-collector run|check|simulate|status``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from collectors import __version__
from collectors.config import Config, ConfigError, load


def _load_or_report(path: str) -> Config | None:
    try:
        return load(path)
    except ConfigError as exc:
        print("configuration error:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def cmd_run(args: argparse.Namespace) -> int:
    cfg = _load_or_report(args.config)
    if cfg is None:
        return 2
    logging.basicConfig(level=cfg.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from collectors.runner import Runner

    return asyncio.run(Runner(cfg).run())


async def _probe(cfg: Config) -> list[tuple]:
    from collectors.agent import build_source
    from collectors.sampler import to_record

    rows = []
    for sid, scfg in cfg.sources.items():
        source = build_source(scfg, cfg)
        points = [p for p in cfg.points if p.source == sid]
        for sample in await source.read(points):
            rec = to_record(sample, 0.0)
            rows.append((rec.ref, sid, sample.raw, rec.value, rec.unit, rec.quality,
                         rec.reason or ""))
        await source.close()
    return rows


def cmd_check(args: argparse.Namespace) -> int:
    cfg = _load_or_report(args.config)
    if cfg is None:
        return 2
    print(f"{args.config}: configuration valid ({len(cfg.points)} points)")
    if args.no_probe:
        return 0
    rows = asyncio.run(_probe(cfg))
    fmt = "{:<28} {:<14} {:>14} {:>14} {:<6} {:<9} {}"
    print(fmt.format("point", "source", "raw", "value", "unit", "quality", "reason"))
    for point, sid, raw, value, unit, quality, reason in rows:
        print(fmt.format(point, sid, _num(raw), _num(value), unit or "", quality, reason))
    return 0 if all(r[5] == "good" for r in rows) else 1


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"


def cmd_status(args: argparse.Namespace) -> int:
    cfg = _load_or_report(args.config)
    if cfg is None:
        return 2
    from collectors.journal import read_stats

    out: dict = {"journal": str(cfg.journal)}
    if cfg.journal.exists():
        out["stats"] = read_stats(cfg.journal)
    if cfg.status_file.exists():
        out["agent"] = json.loads(cfg.status_file.read_text())
    print(json.dumps(out, indent=2))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from collectors.simulator import serve

    if args.write_config:
        uplink = serve.mqtt_uplink(args.mqtt_url, hmac_key=args.hmac_key) \
            if args.mqtt_url else None
        if uplink is None:
            print("--write-config needs --mqtt-url", file=sys.stderr)
            return 2
        cfg = serve.agent_config(args.modbus_port, args.opcua_port or None, uplink,
                                 gateway=args.gateway, journal=args.journal, tanks=args.tanks,
                                 detectors=args.detectors, host=args.host)
        serve.write_config(args.write_config, cfg)
        print(f"wrote {args.write_config}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s sim %(levelname)s %(message)s")
    asyncio.run(serve.simulate(args.host, args.modbus_port or None, args.opcua_port or None,
                               args.tanks, args.detectors, not args.no_faults, args.tick,
                               args.namespace_padding, start=args.start))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="safeatlas-collector",
                                description="SafeAtlas on-site collector agent")
    p.add_argument("--version", action="version", version=__version__)
    sub = p.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the agent")
    run.add_argument("config")
    run.set_defaults(func=cmd_run)
    chk = sub.add_parser("check", help="validate the config and probe every point once")
    chk.add_argument("config")
    chk.add_argument("--no-probe", action="store_true", help="only validate")
    chk.set_defaults(func=cmd_check)
    st = sub.add_parser("status", help="journal depth, cursors and last agent status")
    st.add_argument("config")
    st.set_defaults(func=cmd_status)
    sim = sub.add_parser("simulate", help="serve a simulated tank farm (Modbus TCP + OPC UA)")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--modbus-port", type=int, default=5020)
    sim.add_argument("--opcua-port", type=int, default=4840, help="0 disables OPC UA")
    sim.add_argument("--tanks", type=int, default=6)
    sim.add_argument("--detectors", type=int, default=4)
    sim.add_argument("--tick", type=float, default=0.2)
    sim.add_argument("--no-faults", action="store_true")
    sim.add_argument("--start", type=float, default=0.0,
                     help="seconds into the fault cycle to start at (tests)")
    sim.add_argument("--namespace-padding", type=int, default=0)
    sim.add_argument("--write-config", metavar="PATH", help="write a matching agent config")
    sim.add_argument("--mqtt-url", help="uplink for --write-config, e.g. mqtt://127.0.0.1:1884")
    sim.add_argument("--gateway", default="gw-demo-01")
    sim.add_argument("--hmac-key", help="the gateway's signing key (hex) for --write-config")
    sim.add_argument("--journal", default="var/collector/journal.db")
    sim.set_defaults(func=cmd_simulate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.func(args)
