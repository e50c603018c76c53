"""Watchdog end to end: a real agent process whose read or send loop stalls restarts
itself (re-exec, same PID, same journal) and systemd sees READY/WATCHDOG datagrams."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from collectors.watchdog import STALL_ENV
from tests.collectors.conftest import (
    agent_yaml,
    free_port,
    http_uplink,
    modbus_source,
    tank_points,
    wait_until,
)


class NotifySocket:
    """What systemd would receive on $NOTIFY_SOCKET: (monotonic time, message) pairs."""

    def __init__(self, path) -> None:
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _receive(self) -> None:
        while self.running:
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            with self.lock:
                self.messages.append((time.monotonic(), data.decode()))

    def texts(self) -> list[str]:
        with self.lock:
            return [m for _, m in self.messages]

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def notify(tmp_path):
    sock = NotifySocket(tmp_path / "notify.sock")
    yield sock
    sock.close()


@pytest.mark.parametrize("stall, loop", [("hang:sampler", "stalled loop sampler:plc:0.05"),
                                         ("block:http", "stalled loop event_loop")],
                         ids=["read_loop_hangs", "send_loop_blocks_event_loop"])
def test_stalled_loop_restarts_the_agent_and_loses_nothing(
        tmp_path, simulator, agent, receiver, store, notify, stall, loop):
    mb = free_port()
    simulator(mb)
    # Short timeouts so the computed stall limit is a few seconds (see watchdog_timeout).
    src = modbus_source(mb)
    cfg = agent_yaml(tmp_path, [src], tank_points(0.05), [http_uplink(receiver.url, timeout=0.5)],
                     watchdog_timeout=1)
    stall_file = tmp_path / "stall"
    proc = agent(cfg, {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000",
                       STALL_ENV: str(stall_file)})
    wait_until(lambda: notify.texts().count("WATCHDOG=1") >= 2 and len(store.seqs()) > 20,
               20, what="pings and readings")
    assert notify.texts()[0] == "READY=1"
    stall_file.write_text(stall)
    wait_until(lambda: not stall_file.exists(), what="the loop to take the stall")
    at_stall = max(store.seqs())
    wait_until(lambda: notify.texts().count("READY=1") == 2, 20, what="re-exec")
    wait_until(lambda: max(store.seqs()) > at_stall + 40, what="readings after restart")
    wait_until(lambda: notify.texts()[-1] == "WATCHDOG=1", what="pings after restart")

    texts = notify.texts()
    status = texts.index(f"STATUS=restarting: {loop}")
    assert texts[status + 1] == "READY=1"  # no WATCHDOG=1 between the stall and the new start
    assert texts.index("READY=1", 1) > status
    log = proc.text()
    assert log.count("agent gw-test started") == 2 and f"re-executing the agent ({loop})" in log
    state = json.loads((tmp_path / "journal.db.status.json").read_text())
    assert state["pid"] == proc.p.pid and proc.p.poll() is None  # same process for systemd
    seqs = store.seqs()
    assert sorted(set(seqs)) == list(range(1, max(seqs) + 1)), "a journaled reading was lost"
