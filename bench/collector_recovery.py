"""Benchmark: how fast the collector agent recovers from a peer restart.

With the agent's default timeouts and backoffs (the ones a site gets):

- broker refusing the login (CONNACK "Not authorized", then it closes the socket):
  how long one send waits before it fails;
- broker: a private mosquitto is restarted (SIGTERM closes every client connection,
  down for --broker-down seconds), killed while a batch waits for its PUBACK and
  started again at once, or paused (hung) for --broker-paused seconds; recovery is
  the time from the broker serving again to the agent's next PUBACK (the uplink's
  cursor in the journal moves);
- source server killed (SIGKILL) or paused (SIGSTOP), for each --outages seconds, then
  restarted (or continued): resume is the time from the server serving again to the
  first good reading of each source; "max gap" is the longest time between two
  readings of one point from the outage on (a `bad` one is due every period).

    .venv/bin/python bench/collector_recovery.py [--rounds 3] [--outages 5,20]
        [--broker-down 2] [--broker-paused 20]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from itertools import pairwise
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.collector import ENV, free_port  # noqa: E402
from collectors.journal import read_stats  # noqa: E402
from collectors.protocol import Verifier  # noqa: E402
from collectors.receiver import ReceiverServer  # noqa: E402
from collectors.simulator.layout import NS_URI  # noqa: E402

KEY = "44" * 32
GATEWAY = "gw-recovery"
PERIOD = 1.0
# Debian installs it in /usr/sbin, which is not on every PATH.
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
POINTS = ([{"id": f"T-10{i}.level", "source": "plc", "address": i * 10, "type": "float32",
            "period": PERIOD} for i in range(2)]
          + [{"id": f"T-10{i + 1}.ua.level", "source": "dcs",
              "node": f"TankFarm/T-10{i + 1}/Level", "period": PERIOD} for i in range(2)])


def spawn(args: list[str], tmp: Path, log: str) -> subprocess.Popen:
    out = open(tmp / log, "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(args, cwd=tmp, env=ENV, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGCONT)  # a paused child cannot act on SIGTERM
        proc.terminate()
        proc.wait(20)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(pred, timeout: float, what: str) -> float:
    """Poll `pred` every 20 ms; return the monotonic time it first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return time.monotonic()
        time.sleep(0.02)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


def agent_config(tmp: Path, name: str, sources: list[dict], points: list[dict],
                 uplink: dict) -> Path:
    cfg = {"agent": {"gateway_id": GATEWAY, "journal": f"{name}.db", "heartbeat_interval": 10},
           "sources": sources, "points": points, "uplinks": [uplink]}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


class Broker:
    def __init__(self, tmp: Path, extra: str = ""):
        self.port = free_port()
        self.conf = tmp / f"mosquitto-{self.port}.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n{extra}")
        self.tmp = tmp
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        self.proc = spawn([MOSQUITTO, "-c", str(self.conf)], self.tmp, "broker.log")
        return wait_for(lambda: port_open(self.port), 15, "broker port")

    def stop(self) -> None:
        if self.proc:
            stop(self.proc)


def disrupt(broker: Broker, how: str, down: float) -> float:
    """Take the broker away; return when it serves again."""
    if how == "paused":  # hung: the agent's waits run into their timeouts
        broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(down)
        broker.proc.send_signal(signal.SIGCONT)
        return time.monotonic()
    if how == "killed mid-publish":  # paused past one period: a batch waits for PUBACK
        broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(1.5 * PERIOD)
        broker.proc.kill()
        broker.proc.wait()
    else:  # restarted: SIGTERM closes every client connection
        broker.stop()
        time.sleep(down)
    return broker.start()


BROKER_CASES = ("restarted", "killed mid-publish", "paused")


def broker_restarts(tmp: Path, rounds: int, down: float, paused: float) -> dict[str, list]:
    broker, mb = Broker(tmp), free_port()
    broker.start()
    sim = spawn([sys.executable, "-m", "collectors", "simulate", "--modbus-port", str(mb),
                 "--opcua-port", "0", "--tanks", "2", "--no-faults"], tmp, "sim-mqtt.log")
    source = {"id": "plc", "type": "modbus_tcp", "host": "127.0.0.1", "port": mb}
    cfg = agent_config(tmp, "mqtt", [source], POINTS[:2],
                       {"id": "mqtt", "type": "mqtt", "url": f"mqtt://127.0.0.1:{broker.port}"})
    agent = spawn([sys.executable, "-m", "collectors", "run", str(cfg)], tmp, "agent-mqtt.log")

    def acked() -> int:
        if not (tmp / "mqtt.db").exists():
            return 0
        return read_stats(tmp / "mqtt.db")["uplinks"].get("mqtt", {}).get("acked_seq", 0)

    out: dict[str, list] = {how: [] for how in BROKER_CASES}
    try:
        for _ in range(rounds):
            for how in BROKER_CASES:
                before = acked()
                wait_for(lambda b=before: acked() > b, 60, "steady PUBACKs")
                up = disrupt(broker, how, paused if how == "paused" else down)
                at_up = acked()
                out[how].append(wait_for(lambda a=at_up: acked() > a, 120, "PUBACK") - up)
    finally:
        for proc in (agent, sim):
            stop(proc)
        broker.stop()
    return out


def refused_login(tmp: Path) -> tuple[str, float]:
    """How long one send waits when the broker refuses the login (CONNACK 0x87, then it
    closes the socket): the error and the seconds until it was raised."""
    from collectors.transport_errors import TransientError
    from collectors.uplink_mqtt import MqttTransport

    broker = Broker(tmp, "allow_anonymous false\n")
    broker.start()
    transport = MqttTransport(f"mqtt://127.0.0.1:{broker.port}", GATEWAY, "safeatlas",
                              "gw-bench", None)  # the default timeout
    started = time.monotonic()
    try:
        transport.send("batch", b"{}")
    except TransientError as exc:
        return str(exc), time.monotonic() - started
    finally:
        transport.close()
        broker.stop()
    raise RuntimeError("the broker accepted an anonymous login")


class Readings:
    """HTTP receiver commit callback: (point, ts, quality) of every reading."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []
        self.lock = threading.Lock()

    def commit(self, doc: dict) -> None:
        if doc["kind"] == "batch":
            with self.lock:
                self.rows += [(r["point"], r["ts"] / 1000, r["quality"])
                              for r in doc["records"] if r["kind"] == "reading"]

    def good_after(self, source_points: list[str], t: float) -> bool:
        with self.lock:
            return any(p in source_points and ts > t and q == "good" for p, ts, q in self.rows)

    def first_good(self, source_points: list[str], t: float) -> float:
        with self.lock:
            return min(ts for p, ts, q in self.rows if p in source_points and ts > t
                       and q == "good")

    def max_gap(self, source_points: list[str], since: float, until: float) -> float:
        with self.lock:
            rows = sorted((p, ts) for p, ts, _ in self.rows
                          if p in source_points and since - PERIOD <= ts <= until)
        return max((b[1] - a[1] for a, b in pairwise(rows) if a[0] == b[0]), default=0.0)


def source_outages(tmp: Path, outages: list[float]) -> list[dict]:
    readings = Readings()
    recv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(KEY)}), readings.commit).start()
    mb, ua = free_port(), free_port()
    sim_args = [sys.executable, "-m", "collectors", "simulate", "--modbus-port", str(mb),
                "--opcua-port", str(ua), "--tanks", "2", "--no-faults"]
    sim = spawn(sim_args, tmp, "sim.log")
    sources = [{"id": "plc", "type": "modbus_tcp", "host": "127.0.0.1", "port": mb},
               {"id": "dcs", "type": "opcua", "endpoint": f"opc.tcp://127.0.0.1:{ua}/safeatlas/",
                "namespace_uri": NS_URI}]
    cfg = agent_config(tmp, "sources", sources, POINTS,
                       {"id": "http", "type": "https", "url": recv.url, "hmac_key": KEY})
    agent = spawn([sys.executable, "-m", "collectors", "run", str(cfg)], tmp, "agent.log")
    groups = {"modbus": [p["id"] for p in POINTS[:2]], "opcua": [p["id"] for p in POINTS[2:]]}
    out = []
    try:
        for how, outage in [("killed", o) for o in outages] + [("paused", outages[0])]:
            now = time.time()
            wait_for(lambda n=now: all(readings.good_after(g, n) for g in groups.values()),
                     60, "good readings")
            down = time.time()
            sim.send_signal(signal.SIGKILL if how == "killed" else signal.SIGSTOP)
            time.sleep(outage)
            if how == "killed":
                sim.wait()
                sim = spawn(sim_args, tmp, "sim.log")
                wait_for(lambda: port_open(mb) and port_open(ua), 30, "simulator ports")
            else:
                sim.send_signal(signal.SIGCONT)
            up = time.time()
            wait_for(lambda u=up: all(readings.good_after(g, u) for g in groups.values()),
                     120, "resume")
            out.append({"how": how, "outage": outage, **{
                name: (readings.first_good(g, up) - up, readings.max_gap(g, down, up))
                for name, g in groups.items()}})
    finally:
        for proc in (agent, sim):
            stop(proc)
        recv.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--broker-down", type=float, default=2.0)
    ap.add_argument("--broker-paused", type=float, default=20.0)
    ap.add_argument("--outages", default="5,20")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-recovery-"))
    refused, waited = refused_login(tmp)
    mqtt = broker_restarts(tmp, args.rounds, args.broker_down, args.broker_paused)
    src = source_outages(tmp, [float(o) for o in args.outages.split(",")])
    print(f"collector recovery: agent defaults, period {PERIOD:g} s, logs in {tmp}")
    print(f"  broker refusing the login -> send fails after {waited:5.2f} s ({refused})")
    for how, times in mqtt.items():
        away = {"restarted": f"{args.broker_down:g} s down", "paused": f"{args.broker_paused:g} s",
                "killed mid-publish": "restarted at once"}[how]
        print(f"  broker {how} ({away}) -> next PUBACK after: "
              + "  ".join(f"{t:5.2f} s" for t in times)
              + f"   median {statistics.median(times):.2f} s  max {max(times):.2f} s")
    for row in src:
        (mb, mb_gap), (ua, ua_gap) = row["modbus"], row["opcua"]
        print(f"  source server {row['how']:6} {row['outage']:4.0f} s -> good again after: "
              f"Modbus {mb:5.2f} s  OPC UA {ua:5.2f} s;  longest gap between readings: "
              f"Modbus {mb_gap:5.2f} s  OPC UA {ua_gap:5.2f} s")


if __name__ == "__main__":
    main()
