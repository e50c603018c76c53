"""Benchmark: one collector agent, 2,000 points at 1 Hz against the simulator.

Measures the agent process's CPU % and memory (RSS), end-to-end latency from read
to "received by the uplink" (p50/p99), and the resend rate after an outage (the
backlog is simulated by pre-filling the journal with 10 minutes of readings).

    .venv/bin/python bench/collector.py [--duration 30] [--points 2000]

Reconnect times (broker restart, killed or paused source servers): bench/collector_recovery.py.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from collectors.journal import Journal, Record  # noqa: E402
from collectors.protocol import Verifier  # noqa: E402
from collectors.receiver import ReceiverServer  # noqa: E402

GOAL_CPU, GOAL_MB, GOAL_DRAIN = 25.0, 150.0, 20_000.0
KEY = "44" * 32
GATEWAY = "gw-bench"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Receiver commit callback that records arrival counts and latencies."""

    def __init__(self) -> None:
        self.count = 0
        self.latencies: list[float] = []
        self.measure = False
        self.lock = threading.Lock()

    def commit(self, doc: dict) -> None:
        if doc["kind"] != "batch":
            return
        now = time.time() * 1000
        with self.lock:
            self.count += len(doc["records"])
            if self.measure:
                self.latencies += [now - r["ts"] for r in doc["records"] if r["kind"] == "reading"]


def config(tmp: Path, mb_port: int, n_points: int, url: str, journal: str) -> Path:
    points = []
    for k in range(n_points):
        tank, var = divmod(k, 4)
        base = tank * 10
        spec = [{"address": base, "type": "float32", "unit": "m"},
                {"address": base + 2, "type": "float32", "word_order": "little", "unit": "degC"},
                {"address": base + 4, "type": "uint16", "unit": "m",
                 "scale": {"raw": [0, 27648], "eng": [0, 20]}},
                {"address": base + 5, "type": "int16", "unit": "kPa",
                 "scale": {"raw": [0, 10000], "eng": [0, 1000]}}][var]
        points.append({"id": f"T{tank:04d}.{var}", "source": "plc", "period": 1.0, **spec})
    cfg = {"agent": {"gateway_id": GATEWAY, "journal": journal, "heartbeat_interval": 30,
                     "journal_max_records": 5_000_000},
           "sources": [{"id": "plc", "type": "modbus_tcp", "host": "127.0.0.1",
                        "port": mb_port, "timeout": 2}],
           "points": points,
           "uplinks": [{"id": "http", "type": "https", "url": url, "hmac_key": KEY,
                        "batch_max": 5000}]}
    path = tmp / f"{journal}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(args: list[str], tmp: Path, log: str) -> subprocess.Popen:
    out = open(tmp / log, "wb")  # noqa: SIM115 - handed to the child
    return subprocess.Popen([sys.executable, "-m", "collectors", *args], cwd=tmp, env=ENV,
                            stdout=out, stderr=subprocess.STDOUT)


def steady_state(tmp: Path, n_points: int, duration: float, recv_url: str, sink: Sink,
                 mb_port: int) -> dict:
    agent = start(["run", str(config(tmp, mb_port, n_points, recv_url, "steady.db"))], tmp,
                  "agent.log")
    try:
        time.sleep(8)  # imports, connect, first batches
        sink.measure = True
        c0, t0, n0 = cpu_seconds(agent.pid), time.monotonic(), sink.count
        peak = 0.0
        while time.monotonic() - t0 < duration:
            time.sleep(1)
            peak = max(peak, rss_mb(agent.pid))
        cpu = (cpu_seconds(agent.pid) - c0) / (time.monotonic() - t0) * 100
        rate = (sink.count - n0) / (time.monotonic() - t0)
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(20)
    lat = sorted(sink.latencies)
    return {"cpu": cpu, "rss": peak, "rate": rate, "p50": statistics.median(lat),
            "p99": lat[int(len(lat) * 0.99)], "n": len(lat)}


def prefill(path: Path, n_points: int, minutes: int) -> int:
    journal = Journal(path, 5_000_000, ["http"])
    t0 = time.time() - minutes * 60
    for second in range(minutes * 60):
        journal.append([Record(t0 + second, "reading", f"T{k // 4:04d}.{k % 4}", 1.0, 1.0,
                               "good", None, "m") for k in range(n_points)])
    total = journal.next_seq - 1
    journal.close()
    return total


def drain(tmp: Path, n_points: int, minutes: int, recv_url: str, sink: Sink) -> dict:
    backlog = prefill(tmp / "drain.db", n_points, minutes)
    dead_port = free_port()  # sources unreachable: measure resend alone
    sink.count = 0
    agent = start(["run", str(config(tmp, dead_port, n_points, recv_url, "drain.db"))], tmp,
                  "drain.log")
    try:
        while sink.count == 0:
            time.sleep(0.01)
        t0, c0 = time.monotonic(), cpu_seconds(agent.pid)
        while sink.count < backlog:
            time.sleep(0.05)
            if agent.poll() is not None:
                raise RuntimeError((tmp / "drain.log").read_text()[-2000:])
        elapsed = time.monotonic() - t0
        cpu = (cpu_seconds(agent.pid) - c0) / elapsed * 100
    finally:
        agent.send_signal(signal.SIGTERM)
        agent.wait(20)
    return {"backlog": backlog, "seconds": elapsed, "rate": backlog / elapsed, "cpu": cpu}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--drain-minutes", type=int, default=10)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-collector-"))
    sink = Sink()
    recv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(KEY)}), sink.commit).start()
    mb_port = free_port()
    tanks = (args.points + 3) // 4
    sim = start(["simulate", "--modbus-port", str(mb_port), "--opcua-port", "0", "--tanks",
                 str(tanks), "--tick", "0.5", "--no-faults"], tmp, "sim.log")
    try:
        time.sleep(3)
        s = steady_state(tmp, args.points, args.duration, recv.url, sink, mb_port)
        d = drain(tmp, args.points, args.drain_minutes, recv.url, sink)
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(20)
        recv.stop()
    report(args, s, d)


def report(args: argparse.Namespace, s: dict, d: dict) -> None:
    print(f"collector bench: {args.points} points @ 1 Hz, {args.duration:.0f} s, "
          f"Modbus TCP simulator, HTTP uplink on loopback, {os.cpu_count()} cores")
    print(f"  delivered        {s['rate']:9.0f} readings/s (expected {args.points})")
    print(f"  CPU              {s['cpu']:9.1f} % of one core   goal < {GOAL_CPU:.0f} %  "
          f"ratio {s['cpu'] / GOAL_CPU:.2f}")
    print(f"  memory (RSS max) {s['rss']:9.1f} MB              goal < {GOAL_MB:.0f} MB  "
          f"ratio {s['rss'] / GOAL_MB:.2f}")
    print(f"  latency p50      {s['p50']:9.1f} ms   p99 {s['p99']:.1f} ms  ({s['n']} readings)")
    print(f"  drain            {d['rate']:9.0f} readings/s ({d['backlog']} in {d['seconds']:.1f} s,"
          f" agent CPU {d['cpu']:.0f} %)  goal >= {GOAL_DRAIN:.0f}  "
          f"ratio {d['rate'] / GOAL_DRAIN:.2f}")


if __name__ == "__main__":
    main()
