"""Real peers on loopback: simulator, HTTP receiver, mosquitto, agent processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from collectors.protocol import Verifier
from collectors.receiver import ReceiverServer

ROOT = Path(__file__).resolve().parents[2]
HMAC_HEX = "11" * 32
GATEWAY = "gw-test"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def wait_port(port: int, timeout: float = 15.0) -> None:
    def is_open() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_until(is_open, timeout, what=f"port {port}")


class Store:
    """What the receiver committed, thread-safe."""

    def __init__(self) -> None:
        self.docs: list[dict] = []
        self.lock = threading.Lock()

    def commit(self, doc: dict) -> None:
        with self.lock:
            self.docs.append(doc)

    def batches(self) -> list[dict]:
        with self.lock:
            return [d for d in self.docs if d["kind"] == "batch"]

    def records(self, kind: str | None = "reading") -> list[dict]:
        return [r for b in self.batches() for r in b["records"] if kind in (None, r["kind"])]

    def seqs(self) -> list[int]:
        return [r["seq"] for r in self.records(None)]


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def receiver(store):
    srv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(HMAC_HEX)}), store.commit).start()
    yield srv
    srv.stop()


class Proc:
    """A child process we started; ended by its own pid only."""

    def __init__(self, args: list[str], cwd: Path, log: Path, env: dict | None = None):
        self.args, self.cwd, self.log = args, cwd, log
        self.env = {**ENV, **(env or {})}
        self.p: subprocess.Popen | None = None

    def start(self) -> Proc:
        out = open(self.log, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        self.p = subprocess.Popen(self.args, cwd=self.cwd, env=self.env, stdout=out,
                                  stderr=subprocess.STDOUT)
        out.close()
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.p and self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def kill9(self) -> None:
        self.stop(signal.SIGKILL)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def procs():
    started: list[Proc] = []
    yield started
    for proc in reversed(started):
        proc.stop()


@pytest.fixture
def simulator(tmp_path, procs):
    """Factory: start the simulator (subprocess) on given ports; wait until it serves."""

    def start(modbus_port: int, opcua_port: int = 0, padding: int = 0, tanks: int = 2) -> Proc:
        args = [sys.executable, "-m", "collectors", "simulate", "--modbus-port", str(modbus_port),
                "--opcua-port", str(opcua_port), "--tanks", str(tanks), "--detectors", "2",
                "--no-faults", "--tick", "0.05", "--namespace-padding", str(padding)]
        proc = Proc(args, tmp_path, tmp_path / f"sim-{len(procs)}.log").start()
        procs.append(proc)
        wait_until(lambda: "simulator ready" in proc.text() or proc.p.poll() is not None,
                   60, what="simulator")
        assert proc.p.poll() is None, proc.text()
        return proc

    return start


def agent_yaml(tmp_path: Path, sources: list[dict], points: list[dict], uplinks: list[dict],
               **agent) -> Path:
    cfg = {"version": 1,
           "agent": {"gateway_id": GATEWAY, "journal": "journal.db", "heartbeat_interval": 1,
                     "watchdog_timeout": 30, **agent},
           "sources": sources, "points": points, "uplinks": uplinks}
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def http_uplink(url: str, **extra) -> dict:
    return {"id": "http", "type": "https", "url": url, "hmac_key": HMAC_HEX, "timeout": 2,
            "batch_max": 200, "backoff": {"initial": 0.05, "max": 0.3}, **extra}


def modbus_source(port: int) -> dict:
    return {"id": "plc", "type": "modbus_tcp", "host": "127.0.0.1", "port": port,
            "timeout": 0.3, "backoff": {"initial": 0.05, "max": 0.3}}


def tank_points(period: float = 0.1) -> list[dict]:
    return [
        {"id": "T-101.level", "source": "plc", "address": 0, "type": "float32", "unit": "m",
         "period": period},
        {"id": "T-101.level_raw", "source": "plc", "address": 4, "type": "uint16",
         "scale": {"raw": [0, 27648], "eng": [0, 20]}, "unit": "m", "period": period},
        {"id": "T-101.pump", "source": "plc", "table": "coil", "address": 0, "period": period},
    ]


@pytest.fixture
def agent(tmp_path, procs):
    """Factory: run `python -m collectors run CONFIG` as a real process."""

    def start(config: Path, env: dict | None = None) -> Proc:
        args = [sys.executable, "-m", "collectors", "run", str(config)]
        proc = Proc(args, tmp_path, tmp_path / "agent.log", env).start()
        procs.append(proc)
        return proc

    return start


@pytest.fixture
def broker(tmp_path, procs):
    """Factory: a private broker with persistence on, on a free loopback port (never
    1883); `extra` adds mosquitto.conf lines (limits, authentication)."""

    def start(extra: str = "") -> Proc:
        port = free_port()
        data = tmp_path / f"mosquitto-{port}"
        data.mkdir()
        conf = data / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                        f"persistence_location {data}/\nautosave_interval 1\nuser root\n{extra}")
        proc = Proc(["/usr/sbin/mosquitto", "-c", str(conf)], tmp_path, data / "log").start()
        procs.append(proc)
        wait_port(port)
        proc.port = port  # type: ignore[attr-defined]
        return proc

    return start


@pytest.fixture
def mosquitto(broker):
    return broker()
