"""Store-and-forward against a real agent process, simulator and HTTP receiver."""

from __future__ import annotations

import time

from collectors.journal import read_stats
from collectors.protocol import Verifier
from collectors.receiver import ReceiverServer
from tests.collectors.conftest import (
    GATEWAY,
    HMAC_HEX,
    agent_yaml,
    free_port,
    http_uplink,
    modbus_source,
    tank_points,
    wait_until,
)

SM4_HEX = "22" * 16


def assert_ordered_per_point(records: list[dict]) -> None:
    last: dict[str, int] = {}
    for r in records:
        assert r["seq"] > last.get(r["point"], 0), f"out of order for {r['point']}"
        last[r["point"]] = r["seq"]


def test_uplink_outage_then_every_reading_exactly_once_in_order(
        tmp_path, simulator, agent, store):
    port = free_port()
    simulator(port)
    verifier = Verifier({GATEWAY: bytes.fromhex(HMAC_HEX)}, {GATEWAY: bytes.fromhex(SM4_HEX)})
    recv = ReceiverServer(verifier, store.commit).start()
    uplink = http_uplink(recv.url, encryption={"alg": "sm4-cbc", "key": SM4_HEX})
    cfg = agent_yaml(tmp_path, [modbus_source(port)], tank_points(0.05), [uplink])
    proc = agent(cfg)
    wait_until(lambda: len(store.records()) > 20, what="first readings")
    recv.stop()  # the link dies while sampling continues
    during = len(store.seqs())
    time.sleep(1.5)
    recv.start()  # same port
    proc.stop()
    last = read_stats(tmp_path / "journal.db")["last_seq"]
    proc = agent(cfg)  # drain what the first run journaled but could not send
    wait_until(lambda: max(store.seqs(), default=0) >= last, what="drain")
    proc.stop()
    recv.stop()
    seqs = store.seqs()
    assert len(seqs) == len(set(seqs)), "a sequence number arrived twice"
    assert sorted(seqs) == list(range(1, max(seqs) + 1)), "a reading is missing"
    assert max(seqs) - during > 30, "sampling did not continue during the outage"
    assert_ordered_per_point(store.records())


def test_kill_9_mid_send_loses_nothing_journaled(tmp_path, simulator, agent, store):
    port = free_port()
    simulator(port)
    recv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(HMAC_HEX)}), store.commit,
                          gate=lambda doc: time.sleep(0.01)).start()  # always mid-send
    cfg = agent_yaml(tmp_path, [modbus_source(port)], tank_points(0.02),
                     [http_uplink(recv.url, batch_max=10)])
    proc = agent(cfg)
    wait_until(lambda: len(store.seqs()) > 50, what="readings")
    proc.kill9()
    journaled = read_stats(tmp_path / "journal.db")["last_seq"]
    proc = agent(cfg)
    wait_until(lambda: len(set(store.seqs())) >= journaled, what="resend after kill -9")
    proc.stop()
    recv.stop()
    by_seq: dict[int, dict] = {}
    for rec in store.records(None):
        # Duplicates are allowed, but a sequence number always means the same reading.
        assert by_seq.setdefault(rec["seq"], rec) == rec
    assert set(range(1, journaled + 1)) <= set(by_seq)


def test_journal_full_drops_oldest_reports_count_and_keeps_running(
        tmp_path, simulator, agent, store):
    port = free_port()
    simulator(port)
    # Each batch takes a while to commit, so the bound keeps cutting into the batch
    # in flight while the backlog drains: those rows arrive and are not drops.
    recv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(HMAC_HEX)}), store.commit,
                          gate=lambda doc: time.sleep(0.05))
    recv.start()
    http_port = recv.port
    recv.stop()  # down from the start: the journal must overflow
    cfg = agent_yaml(tmp_path, [modbus_source(port)], tank_points(0.02),
                     [http_uplink(f"http://127.0.0.1:{http_port}/ingest")],
                     journal_max_records=60)
    proc = agent(cfg)
    wait_until(lambda: (tmp_path / "journal.db").exists()
               and read_stats(tmp_path / "journal.db")["last_seq"] > 200, what="overflow")
    recv.port = http_port
    recv.start()
    wait_until(lambda: any("dropped" in b for b in store.batches()), what="drop report")
    first = store.batches()[0]
    assert first["dropped"] == {"count": first["first_seq"] - 1, "before_seq": first["first_seq"]}
    assert first["dropped"]["count"] > 100
    n = len(store.seqs())
    wait_until(lambda: len(store.seqs()) > n + 100, what="agent still forwarding")
    assert proc.p.poll() is None
    proc.stop()
    recv.stop()
    # Exact, for this uplink: up to its acknowledged cursor, every sequence number
    # either arrived or was reported dropped, never both, never twice.
    uplink = read_stats(tmp_path / "journal.db")["uplinks"]["http"]
    acked = uplink["acked_seq"]
    batches = [b for b in store.batches() if b["last_seq"] <= acked]
    received = [r["seq"] for b in batches for r in b["records"]]
    reports = [b["dropped"] for b in batches if "dropped" in b]
    dropped = [seq for d in reports for seq in range(d["before_seq"] - d["count"], d["before_seq"])]
    assert len(received) == len(set(received)), "a batch arrived twice"
    assert not set(received) & set(dropped), "a delivered reading was counted as dropped"
    assert len(dropped) == len(set(dropped)), "a drop was reported twice"
    assert len(received) + sum(d["count"] for d in reports) == acked
    assert set(received) | set(dropped) == set(range(1, acked + 1))
    assert uplink["dropped_total"] - uplink["dropped_pending"] == len(dropped)


def test_poison_batch_is_quarantined_and_the_rest_flows(tmp_path, simulator, agent, store):
    port = free_port()
    simulator(port)
    poison = {"seen": 0}

    def gate(doc):
        if doc["kind"] == "batch" and doc["first_seq"] <= 5 <= doc["last_seq"]:
            poison["seen"] += 1
            return 422
        return None

    recv = ReceiverServer(Verifier({GATEWAY: bytes.fromhex(HMAC_HEX)}), store.commit,
                          gate=gate).start()
    cfg = agent_yaml(tmp_path, [modbus_source(port)], tank_points(0.05),
                     [http_uplink(recv.url, batch_max=5, max_rejections=3)])
    proc = agent(cfg)
    wait_until(lambda: len(store.seqs()) > 30, what="flow after the poison batch")
    proc.stop()
    recv.stop()
    assert poison["seen"] == 3
    seqs = set(store.seqs())
    missing = set(range(1, max(seqs) + 1)) - seqs
    assert 5 in missing and len(missing) <= 5  # exactly the poison batch is set aside
    assert missing == set(range(min(missing), max(missing) + 1))
    assert read_stats(tmp_path / "journal.db")["quarantined_batches"] == 1
