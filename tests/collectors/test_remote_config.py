"""Remote configuration end to end: a real agent process polls a local config server
that signs documents as docs/ingest-protocol.md §7 says, and pushes to a real receiver."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from collectors import protocol as payload
from collectors.remote_config import H_VERSION
from tests.collectors.conftest import (
    GATEWAY,
    HMAC_HEX,
    free_port,
    http_uplink,
    modbus_source,
    tank_points,
    wait_until,
)

KEY = bytes.fromhex(HMAC_HEX)


class ConfigServer:
    """The platform side of §7: checks the agent's signed GET, answers 204 or a YAML
    signed over the request's nonce and the body.

    It offers whatever `offer` holds unless the agent already runs that version, so
    tests can offer an older one. With `replay`, it plays a man in the middle: the
    first answer is captured and withheld (503), the next poll gets it verbatim.
    """

    def __init__(self) -> None:
        self.offer: tuple[str, bytes] | None = None  # (yaml text, key to sign it with)
        self.asked: list[str] = []  # X-SafeAtlas-Config-Version of every valid poll
        self.replay = False
        self.captured: tuple[bytes, dict] | None = None
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/ingest/v1/config"

    def _handler(self) -> type:
        srv = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                # HTTP header names are case-insensitive (urllib sends "X-safeatlas-...").
                headers = {name: self.headers.get(name, "") for name in (
                    payload.H_GATEWAY, payload.H_TIMESTAMP, payload.H_NONCE,
                    payload.H_SIGNATURE, H_VERSION)}
                fresh = abs(time.time() - int(headers.get(payload.H_TIMESTAMP, 0))) < 300
                if not (payload.verify_signature(KEY, b"", headers) and fresh
                        and headers.get(payload.H_GATEWAY) == GATEWAY):
                    return self._reply(401, b"", {})
                srv.asked.append(headers.get(H_VERSION, ""))
                offer = srv.offer
                if offer is None or str(yaml.safe_load(offer[0])["version"]) == headers.get(
                        H_VERSION):
                    return self._reply(204, b"", {})
                body = offer[0].encode()
                signed = payload.sign(offer[1], body, GATEWAY,
                                      nonce=headers[payload.H_NONCE])
                if srv.replay and srv.captured is None:
                    srv.captured = (body, signed)
                    return self._reply(503, b"", {})
                if srv.replay:
                    body, signed = srv.captured
                self._reply(200, body, signed)

            def _reply(self, status: int, body: bytes, headers: dict) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def config_server():
    srv = ConfigServer()
    yield srv
    srv.stop()


def config_doc(version: int, mb_port: int, recv_url: str, cfg_url: str, points: list[dict]
               ) -> dict:
    return {"version": version,
            "agent": {"gateway_id": GATEWAY, "journal": "journal.db", "heartbeat_interval": 0.5,
                      "watchdog_timeout": 30},
            "sources": [modbus_source(mb_port)], "points": points,
            "uplinks": [http_uplink(recv_url)],
            "remote_config": {"url": cfg_url, "interval": 0.2, "trial_seconds": 1,
                              "hmac_key": HMAC_HEX}}


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


def heartbeats(store) -> list[dict]:
    with store.lock:
        return [d for d in store.docs if d["kind"] == "heartbeat"]


def assert_no_loss(store) -> None:
    """Every journaled record up to the newest delivered one arrived, seq in order."""
    seqs = store.seqs()
    assert sorted(set(seqs)) == list(range(1, max(seqs) + 1)), "a sequence number is missing"
    for batch in store.batches():
        in_batch = [r["seq"] for r in batch["records"]]
        assert in_batch == sorted(set(in_batch))
    by_seq: dict[int, dict] = {}
    for rec in store.records(None):  # a resend carries the very same record
        assert by_seq.setdefault(rec["seq"], rec) == rec


@pytest.fixture
def running(tmp_path, simulator, agent, receiver, store, config_server):
    """An agent on config version 1 (two points), sampling a simulator; returns helpers."""
    mb = free_port()
    simulator(mb)
    points = tank_points(0.1)
    v1 = config_doc(1, mb, receiver.url, config_server.url, points[:2])
    path = tmp_path / "agent.yaml"
    path.write_text(dump(v1))
    proc = agent(path)
    wait_until(lambda: any(r["quality"] == "good" for r in store.records()), 20,
               what="first good readings")
    return {"proc": proc, "path": path, "v1": v1, "points": points, "mb": mb}


def good_after(store, point: str, seq: int) -> bool:
    return any(r["point"] == point and r["quality"] == "good" and r["seq"] > seq
               for r in store.records())


def test_new_config_is_applied_without_losing_a_reading(running, store, config_server):
    v2 = {**running["v1"], "version": 2, "points": running["points"]}  # adds T-101.pump
    before = max(store.seqs())
    config_server.offer = (dump(v2), KEY)
    # Kept once it passed its trial: the agent then polls as version 2.
    wait_until(lambda: "2" in config_server.asked, 20, what="agent running config 2")
    assert any(h["config_version"] == "2" for h in heartbeats(store))
    wait_until(lambda: good_after(store, "T-101.pump", before), what="the new point")
    first_new = min(r["seq"] for r in store.records() if r["point"] == "T-101.pump")
    wait_until(lambda: good_after(store, "T-101.level", first_new + 20),
               what="old points still sampled under config 2")
    assert_no_loss(store)
    assert max(store.seqs()) > before
    assert all(h["config_error"] is None for h in heartbeats(store))
    # Kept: a restart (watchdog, power cut) comes back on version 2, 1 is kept aside.
    path: Path = running["path"]
    assert yaml.safe_load(path.read_text())["version"] == 2
    assert yaml.safe_load(path.with_name("agent.yaml.prev").read_text())["version"] == 1
    assert running["proc"].p.poll() is None


def _newer(running) -> str:
    return dump({**running["v1"], "version": 2, "points": running["points"]})


def _forged(running, srv) -> None:
    srv.offer = (_newer(running), b"\x22" * 32)


def _typo(running, srv) -> None:
    points = [dict(p) for p in running["points"]]
    points[2]["perod"] = points[2].pop("period")  # a typo must not be silently ignored
    srv.offer = (dump({**running["v1"], "version": 2, "points": points}), KEY)


def _replayed(running, srv) -> None:
    # A genuine, correctly signed answer, but to an earlier poll: captured and
    # played back, it must not be applied (its nonce is not this request's).
    srv.replay = True
    srv.offer = (_newer(running), KEY)


def _not_newer(running, srv) -> None:
    srv.offer = (dump({**running["v1"], "version": 0, "points": running["points"]}), KEY)


@pytest.mark.parametrize("offer, version, error", [
    (_forged, None, "config signature invalid"),
    (_typo, "2", "invalid config: remote-config:"),
    (_replayed, None, "config response nonce does not match the request"),
    (_not_newer, "0", "version: '0' is not newer than the running version '1'"),
], ids=["bad_signature", "invalid", "replayed_response", "older_version"])
def test_refused_config_is_reported_and_the_old_one_keeps_running(
        running, store, config_server, offer, version, error):
    offer(running, config_server)
    wait_until(lambda: any(h["config_error"] for h in heartbeats(store)), 20,
               what="config error in a heartbeat")
    refused = next(h for h in heartbeats(store) if h["config_error"])
    assert refused["config_version"] == "1"
    assert refused["config_error"]["version"] == version
    assert refused["config_error"]["error"].startswith(error)
    if offer is _typo:  # the key is named, with its line, as `check` would
        assert "points[2].perod: unknown key(s) 'perod'" in refused["config_error"]["error"]
    if offer is _replayed:
        assert config_server.captured is not None
    seq = max(store.seqs())
    wait_until(lambda: good_after(store, "T-101.level", seq + 10), what="old config sampling")
    assert not any(r["point"] == "T-101.pump" for r in store.records())
    assert yaml.safe_load(running["path"].read_text())["version"] == 1
    assert set(config_server.asked) == {"1"}
    assert_no_loss(store)


def test_older_signed_config_is_refused_once_a_newer_one_runs(running, store, config_server):
    """The platform (or whoever holds its key) offering the old version 1 again after
    version 2 was applied: properly signed for this very poll, still refused."""
    config_server.offer = (_newer(running), KEY)
    wait_until(lambda: "2" in config_server.asked, 20, what="agent running config 2")
    config_server.offer = (dump(running["v1"]), KEY)
    wait_until(lambda: any(h["config_error"] for h in heartbeats(store)), 20,
               what="refusal of version 1 in a heartbeat")
    refused = next(h for h in heartbeats(store) if h["config_error"])
    assert refused["config_version"] == "2"
    assert refused["config_error"] == {
        "version": "1", "at": refused["config_error"]["at"],
        "error": "version: '1' is not newer than the running version '2'"}
    seq = max(store.seqs())
    wait_until(lambda: good_after(store, "T-101.pump", seq + 10), what="config 2 sampling")
    assert config_server.asked[config_server.asked.index("2"):] == \
        ["2"] * (len(config_server.asked) - config_server.asked.index("2"))
    assert yaml.safe_load(running["path"].read_text())["version"] == 2
    log = running["proc"].text()
    assert "config 2 applied" in log and "config 1 applied" not in log
    assert running["proc"].p.poll() is None
    assert_no_loss(store)


def test_config_that_fails_to_start_is_rolled_back(running, store, config_server):
    dead = free_port()  # nothing listens there: the new source never answers
    v2 = {**running["v1"], "version": 2, "sources": [modbus_source(dead)],
          "points": running["points"]}
    config_server.offer = (dump(v2), KEY)
    wait_until(lambda: any(h["config_error"] for h in heartbeats(store)), 20,
               what="rollback reported")
    report = next(h for h in heartbeats(store) if h["config_error"])
    assert report["config_version"] == "1"
    assert report["config_error"]["version"] == "2"
    assert report["config_error"]["error"].startswith(
        "rolled back to 1: no source answered within 1s")
    seq = max(store.seqs())
    wait_until(lambda: good_after(store, "T-101.level", seq + 10), what="old config sampling")
    # The trial's readings are journaled as what they were: bad, source down.
    trial = [r for r in store.records() if r["point"] == "T-101.pump"]
    assert trial and all(r["quality"] == "bad" and r["value"] is None for r in trial)
    time.sleep(1.0)  # several more polls offering version 2 ...
    assert running["proc"].text().count("rolled back to 1") == 1  # ... are not re-tried
    assert yaml.safe_load(running["path"].read_text())["version"] == 1
    assert not running["path"].with_name("agent.yaml.prev").exists()
    assert_no_loss(store)
