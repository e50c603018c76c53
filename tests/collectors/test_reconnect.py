"""Source reconnects against the real simulator process: killed (SIGKILL) and paused
(SIGSTOP) servers. Whatever the backoff, a reading is journaled every period (`bad`
while the server is away, docs/ingest-protocol.md §3.1), and data resumes within the
bound the protocol states: two periods plus the connect handshake after a killed
server listens again.
"""

from __future__ import annotations

import signal
import socket
import time
from itertools import pairwise

from tests.collectors.conftest import (
    agent_yaml,
    free_port,
    http_uplink,
    modbus_source,
    wait_until,
)
from tests.collectors.test_sources_uplinks import opcua_source

PERIOD = 0.25
# A tick may run late on a loaded machine (2 busy cores, an fsync per tick); the next
# one is scheduled from the same clock and catches up. Two periods of slack still
# tell "a reading every period" from "a period without one".
SLACK = 2 * PERIOD
# Connect handshake plus the first read on the new connection (OPC UA: hello, secure
# channel, session, namespace and node lookup), on a loaded machine.
HANDSHAKE = 1.0
MB_POINT, UA_POINT = "T-101.level", "T-101.ua.level"
POINTS = [{"id": MB_POINT, "source": "plc", "address": 0, "type": "float32", "period": PERIOD},
          {"id": UA_POINT, "source": "dcs", "node": "TankFarm/T-101/Level", "period": PERIOD}]


def readings(store, point: str) -> list[tuple[float, str]]:
    """(ts in seconds, quality) of one point, in sampling order."""
    return [(r["ts"] / 1000, r["quality"]) for r in store.records() if r["point"] == point]


def gaps(rows: list[tuple[float, str]], since: float, until: float) -> list[float]:
    """Time between consecutive readings, for every such interval overlapping the window."""
    return [b - a for (a, _), (b, _) in pairwise(rows) if b > since and a < until]


def first_good(store, point: str, after: float) -> float:
    return min(ts for ts, q in readings(store, point) if ts > after and q == "good")


def good_after(store, point: str, after: float) -> bool:
    return any(ts > after and q == "good" for ts, q in readings(store, point))


def listening_since(ports: list[int], timeout: float = 60) -> dict[int, float]:
    """Poll until every port accepts; the wall-clock time each one first did."""
    since: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(since) < len(ports) and time.monotonic() < deadline:
        for port in set(ports) - set(since):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    since[port] = time.time()
        time.sleep(0.02)
    assert len(since) == len(ports), f"ports {ports} not listening after {timeout}s"
    return since


def test_killed_servers_bad_every_period_then_resume_within_two_periods(
        tmp_path, simulator, agent, receiver, store):
    mb, ua = free_port(), free_port()
    sim = simulator(mb, ua)
    # A slow backoff on purpose: a refused connect is retried at every read anyway,
    # so how soon data resumes must not depend on it.
    slow = {"backoff": {"initial": 8.0, "max": 30.0}}
    sources = [{**modbus_source(mb), **slow}, {**opcua_source(ua), **slow}]
    agent(agent_yaml(tmp_path, sources, POINTS, [http_uplink(receiver.url)]))
    wait_until(lambda: good_after(store, MB_POINT, 0) and good_after(store, UA_POINT, 0), 60,
               what="both sources good")
    sim.kill9()
    killed = time.time()
    # Down past the first retry (one backoff step after the loss); the backoff's next
    # step would come 16 s after that, later than the simulator takes to start even
    # on a loaded machine.
    time.sleep(8.5)
    simulator(mb, ua)
    since = listening_since([mb, ua])
    wait_until(lambda: good_after(store, MB_POINT, since[mb])
               and good_after(store, UA_POINT, since[ua]), 60, what="data to resume")

    for point, port in ((MB_POINT, mb), (UA_POINT, ua)):
        resumed = first_good(store, point, since[port]) - since[port]
        assert resumed <= 2 * PERIOD + HANDSHAKE, f"{point}: good again after {resumed:.2f} s"
        outage = [q for ts, q in readings(store, point) if killed < ts < since[port]]
        assert set(outage) == {"bad"}, point
        assert max(gaps(readings(store, point), killed, since[port])) < PERIOD + SLACK


def test_hung_opcua_server_bad_every_period_while_connects_hang(
        tmp_path, simulator, agent, receiver, store):
    ua = free_port()
    sim = simulator(free_port(), ua)
    # Paused, the server's kernel still accepts TCP but nobody answers: every
    # connect attempt hangs for its full bound (2 x timeout) in the background.
    timeout, backoff_max = 1.0, 0.5
    source = {**opcua_source(ua), "timeout": timeout,
              "backoff": {"initial": 0.1, "max": backoff_max}}
    agent(agent_yaml(tmp_path, [source], POINTS[1:], [http_uplink(receiver.url)]))
    wait_until(lambda: good_after(store, UA_POINT, 0), 60, what="good readings")
    try:
        sim.p.send_signal(signal.SIGSTOP)
        paused = time.time()
        time.sleep(4 * timeout)
    finally:
        sim.p.send_signal(signal.SIGCONT)
    resumed = time.time()
    wait_until(lambda: good_after(store, UA_POINT, resumed), 60, what="data to resume")

    rows = readings(store, UA_POINT)
    # The first read after the pause waits for its own timeout (it starts within a
    # period); after that, no read waits for a connect.
    blocked = paused + PERIOD + timeout + SLACK
    assert max(gaps(rows, paused, blocked)) < timeout + PERIOD + SLACK
    assert max(gaps(rows, blocked, resumed)) < PERIOD + SLACK
    assert {q for ts, q in rows if blocked < ts < resumed} == {"bad"}
    # An attempt in flight at the resume ends within its bound, the next one follows
    # after at most one backoff step.
    late = first_good(store, UA_POINT, resumed) - resumed
    assert late <= 2 * timeout + backoff_max + 2 * PERIOD + HANDSHAKE, f"{late:.2f} s"
