"""The ingest worker on a real broker: signed batches from the agent's own MQTT uplink are
stored once and answered with the platform's signed ack after the commit, a bad signature
is refused and logged, two workers of one shared subscription split the messages without
storing any twice, and a batch the broker took but lost before the workers resubscribed
is resent by the agent, which waits for the platform's ack (ADR 0017)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from django.db import connection

from collectors.backoff import Backoff
from collectors.forwarder import Forwarder
from collectors.journal import Journal, Record
from collectors.protocol import batch_body, dumps
from collectors.transport_errors import PermanentError
from collectors.uplink_mqtt import MqttTransport
from geo.models import SecurityEvent
from monitoring.ingest.models import Reading
from monitoring.ingest.mqtt import Consumer
from tests.collectors.conftest import wait_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


BASE_MS = int(time.time() * 1000)  # a resent record keeps its time, as the agent's do


def _records(first: int, n: int) -> list[dict]:
    ms = BASE_MS
    return [{"seq": s, "kind": "reading", "point": "T-1.level", "ts": ms + s, "value": 5.0,
             "quality": "good", "unit": "m", "reason": ""} for s in range(first, first + n)]


def _send(port: int, key: bytes, first: int, n: int = 10, *, ack: str = "platform") -> None:
    """One batch as the agent's uplink sends it: returns on the platform's ack (or, with
    ack="broker", on the PUBACK: a message no worker will answer)."""
    link = MqttTransport(f"mqtt://127.0.0.1:{port}", "gw-a", "safeatlas", f"agent-{first}",
                         key, ack=ack)
    try:
        link.send("batch", dumps(batch_body("gw-a", _records(first, n), 0, agent_version="test")),
                  seqs=(first, first + n - 1))
    finally:
        link.close()


def _workers(port: int, n: int):
    stop = threading.Event()
    consumers = [Consumer(f"mqtt://127.0.0.1:{port}", client_id=f"ingest-{i}")
                 for i in range(n)]
    threads = [threading.Thread(target=_run, args=(c, stop), daemon=True) for c in consumers]
    for t in threads:
        t.start()
    for c in consumers:  # subscribed before anything is published
        wait_until(c.subscribed.is_set, timeout=30, what=f"{c.client_id} subscribed")
    return consumers, stop, threads


def _run(consumer: Consumer, stop: threading.Event) -> None:
    try:
        consumer.run(stop)
    finally:
        connection.close()


def _stop(stop, threads) -> None:
    stop.set()
    for t in threads:
        t.join(10)


def test_signed_batches_are_stored_once_and_bad_signatures_refused(gateway, broker):
    port = broker().port
    consumers, stop, threads = _workers(port, 1)
    try:
        key = bytes.fromhex(gateway.hmac_key)
        _send(port, key, 1)
        # returned on the platform's ack, which comes after the commit: nothing to wait for
        assert Reading.objects.count() == 10
        _send(port, key, 1)  # the same records again, as after a lost ack: acked again
        _send(port, b"x" * 32, 100, ack="broker")  # not signed by gw-a: never answered
        wait_until(lambda: consumers[0].handled == 3, what="three messages handled")
    finally:
        _stop(stop, threads)
    assert sorted(Reading.objects.values_list("seq", flat=True)) == list(range(1, 11))
    assert list(SecurityEvent.objects.filter(kind="ingest_refused").values_list(
        "detail__reason", flat=True)) == ["bad_signature"]


def test_two_workers_share_the_subscription(gateway, broker):
    port = broker().port
    consumers, stop, threads = _workers(port, 2)
    try:
        key = bytes.fromhex(gateway.hmac_key)
        for b in range(20):
            _send(port, key, 1 + 10 * b)
        wait_until(lambda: sum(c.handled for c in consumers) == 20, timeout=30,
                   what="twenty batches handled")
    finally:
        _stop(stop, threads)
    assert Reading.objects.count() == 200
    assert all(c.handled > 0 for c in consumers), [c.handled for c in consumers]


def test_redelivered_encrypted_message_is_stored_once_without_alarm(gateway, broker,
                                                                    monkeypatch):
    """The same signed bytes twice (a worker died after committing, before its PUBACK):
    the nonce is in the database, so the second copy is acknowledged and not stored, and
    it is no security event. The body is AES-256-GCM encrypted, as the agent can send."""
    import os

    from collectors import uplink_mqtt
    from collectors.protocol import Cipher, encrypt, sign
    from monitoring.devices.models import Gateway
    from monitoring.ingest.models import SeenNonce

    cipher = Cipher("aes-256-gcm", os.urandom(32))
    Gateway.objects.filter(code="gw-a").update(enc_key=cipher.key.hex())
    key = bytes.fromhex(gateway.hmac_key)
    body = encrypt(dumps(batch_body("gw-a", _records(1, 5), 0, agent_version="test")),
                   "gw-a", cipher)
    fixed = sign(key, body, "gw-a")
    monkeypatch.setattr(uplink_mqtt.protocol, "sign", lambda *args, **kwargs: fixed)
    port = broker().port
    consumers, stop, threads = _workers(port, 1)
    try:
        link = MqttTransport(f"mqtt://127.0.0.1:{port}", "gw-a", "safeatlas", "agent-r", key)
        try:
            link.send("batch", body, seqs=(1, 5))
            link.send("batch", body, seqs=(1, 5))  # Replayed, yet committed: acked again
        finally:
            link.close()
        wait_until(lambda: consumers[0].handled == 2, what="both copies acknowledged")
    finally:
        _stop(stop, threads)
    assert Reading.objects.count() == 5
    assert SeenNonce.objects.count() == 1
    assert not SecurityEvent.objects.filter(kind="ingest_refused").exists()


def test_broker_and_worker_restarts_lose_nothing(gateway, broker):
    """kill -9 of the broker, then of the worker: the agent's batches sent around each
    restart are all stored, once, when the workers are subscribed again before the agent
    sends (the gap when they are not is the test below). What arrives while a worker is
    down waits for it in its persistent session."""
    key = bytes.fromhex(gateway.hmac_key)
    mqtt_broker = broker()
    port = mqtt_broker.port
    consumers, stop, threads = _workers(port, 1)
    try:
        for b in range(3):
            _send(port, key, 1 + 10 * b)
        wait_until(lambda: Reading.objects.count() == 30, timeout=30, what="first 30")
        mqtt_broker.kill9()
        wait_until(lambda: not consumers[0].subscribed.is_set(), what="connection lost")
        mqtt_broker.start()  # same port, same persistence directory
        wait_until(consumers[0].subscribed.is_set, timeout=30, what="subscribed again")
        for b in range(3, 6):
            _send(port, key, 1 + 10 * b)
        wait_until(lambda: Reading.objects.count() == 60, timeout=30, what="after broker")
    finally:
        _stop(stop, threads)  # the worker goes away (its session stays on the broker)
    for b in range(6, 9):  # the worker's session keeps them; nobody can ack them yet
        _send(port, key, 1 + 10 * b, ack="broker")
    consumers, stop, threads = _workers(port, 1)  # same client id: the same session
    try:
        wait_until(lambda: Reading.objects.count() == 90, timeout=30, what="after worker")
    finally:
        _stop(stop, threads)
    assert sorted(Reading.objects.values_list("seq", flat=True)) == list(range(1, 91))


class Counting:
    """The agent's real MQTT transport, counting the batches it publishes."""

    def __init__(self, transport: MqttTransport):
        self.transport, self.batches = transport, 0

    def send(self, kind: str, body: bytes, *, seqs=None) -> None:
        self.batches += kind == "batch"
        self.transport.send(kind, body, seqs=seqs)

    def close(self) -> None:
        self.transport.close()


def test_batches_sent_before_the_workers_resubscribe_after_a_broker_restart(gateway, broker,
                                                                             tmp_path):
    """Mosquitto 2.0 restores no shared subscription after a restart: the batch it PUBACKs
    before the worker is back reaches no one. The agent keeps it in its journal until the
    platform's ack and resends it, so it is stored, once."""
    key = bytes.fromhex(gateway.hmac_key)
    mqtt_broker = broker()
    port = mqtt_broker.port
    journal = Journal(tmp_path / "journal.db", 1000, ["mqtt"])
    journal.append([Record(BASE_MS / 1000 + s, "reading", "T-1.level", 5.0, None, "good",
                           None, "m") for s in range(10)])
    link = Counting(MqttTransport(f"mqtt://127.0.0.1:{port}", "gw-a", "safeatlas", "agent-1",
                                  key, timeout=5, ack_timeout=2.0))
    fwd = Forwarder("mqtt", link, journal, "gw-a", heartbeat_interval=3600,
                    beat=lambda name: None, backoff=Backoff(0.1, 0.5))
    consumers, stop, threads = _workers(port, 1)
    try:
        time.sleep(2.5)  # past the broker's autosave: the session is on disk
        mqtt_broker.stop()  # a clean stop saves the database as well
        mqtt_broker.start()
        wait_port(port)
        asyncio.run(_forward_until(fwd, journal, 10, timeout=30))  # worker not back yet
    finally:
        _stop(stop, threads)
        fwd.close()
        journal.close()
    assert sorted(Reading.objects.values_list("seq", flat=True)) == list(range(1, 11))
    assert link.batches >= 2  # the first copy was PUBACKed and lost: resent after 2 s


async def _forward_until(fwd: Forwarder, journal: Journal, acked: int, timeout: float) -> None:
    task = asyncio.create_task(fwd.run())
    try:
        deadline = time.monotonic() + timeout
        while journal.cursor("mqtt") < acked:
            assert time.monotonic() < deadline, f"cursor at {journal.cursor('mqtt')}"
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_a_batch_the_platform_cannot_take_is_refused_to_the_agent(gateway, broker):
    """Signed by the gateway but no batch the platform can store: the worker answers with a
    refusal, which the agent counts towards quarantine (as an HTTP 400)."""
    key = bytes.fromhex(gateway.hmac_key)
    port = broker().port
    consumers, stop, threads = _workers(port, 1)
    body = dumps({"v": 1, "kind": "batch", "gateway": "gw-a", "first_seq": 1, "last_seq": 2,
                  "records": "not a list"})
    link = MqttTransport(f"mqtt://127.0.0.1:{port}", "gw-a", "safeatlas", "agent-x", key,
                         ack_timeout=10.0)
    try:
        with pytest.raises(PermanentError) as refused:
            link.send("batch", body, seqs=(1, 2))
    finally:
        link.close()
        _stop(stop, threads)
    assert str(refused.value) == "refused by the platform: unknown_kind"
    assert consumers[0].handled == 1
    assert not Reading.objects.exists()


def test_the_platforms_ack_is_signed_and_names_the_batch(gateway, broker):
    """What an agent of another make would see on `<prefix>/<gateway>/ack`."""
    import json

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from collectors.protocol import verify_signature

    key = bytes.fromhex(gateway.hmac_key)
    port = broker().port
    seen: list[tuple[str, dict, bytes]] = []
    watcher = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    watcher.on_message = lambda c, u, msg: seen.append(
        (msg.topic, dict(msg.properties.UserProperty), msg.payload))
    watcher.connect("127.0.0.1", port)
    watcher.subscribe("safeatlas/gw-a/ack", qos=1)
    watcher.loop_start()
    consumers, stop, threads = _workers(port, 1)
    try:
        time.sleep(0.5)  # the watcher's SUBACK
        _send(port, key, 11, 5)
        wait_until(lambda: seen, what="the ack seen by a second subscriber")
    finally:
        _stop(stop, threads)
        watcher.loop_stop()
        watcher.disconnect()
    topic, headers, payload = seen[0]
    doc = json.loads(payload)
    assert topic == "safeatlas/gw-a/ack"
    assert verify_signature(key, payload, headers)
    assert not verify_signature(b"y" * 32, payload, headers)
    assert {k: v for k, v in doc.items() if k != "sent_at"} == {
        "v": 1, "kind": "ack", "gateway": "gw-a", "first_seq": 11, "last_seq": 15,
        "ok": True, "acked_seq": 15}
