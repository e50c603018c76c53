"""MQTT uplink against a real mosquitto: a broker that ends the session is noticed at
once (never only at the CONNACK/PUBACK timeout), the agent resumes right after a
broker restart, even one that killed a batch in flight, and a batch leaves the journal
only on the platform's signed ack, not on the broker's PUBACK."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from itertools import pairwise

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collectors import protocol
from collectors.backoff import Backoff
from collectors.forwarder import Forwarder
from collectors.journal import Journal, Record, read_stats
from collectors.transport_errors import TransientError
from collectors.uplink_mqtt import MqttTransport
from tests.collectors.conftest import (
    GATEWAY,
    HMAC_HEX,
    agent_yaml,
    free_port,
    modbus_source,
    tank_points,
    wait_port,
    wait_until,
)

TIMEOUT = 10.0  # the uplink default: what a site waits for an answer that may still come


def test_refused_login_fails_at_once_with_the_brokers_reason(broker):
    # The broker answers CONNACK "Not authorized" and closes the socket: there is
    # nothing left to wait for.
    srv = broker("allow_anonymous false\n")
    transport = MqttTransport(f"mqtt://127.0.0.1:{srv.port}", GATEWAY, "safeatlas", "gw-x",
                              None, TIMEOUT)
    with pytest.raises(TransientError) as err:
        transport.send("batch", b"{}")
    assert str(err.value) == "connection refused by the broker: CONNACK Not authorized"
    assert transport.session is None
    transport.close()


def test_broker_dying_under_a_publish_fails_it_at_once(mosquitto):
    transport = MqttTransport(f"mqtt://127.0.0.1:{mosquitto.port}", GATEWAY, "safeatlas",
                              "gw-x", None, TIMEOUT)
    transport.send("batch", b"{}")  # connected
    mosquitto.p.send_signal(signal.SIGSTOP)  # takes the next publish, never acknowledges it
    errors: list[Exception] = []

    def send() -> None:
        try:
            transport.send("batch", b"{}")
        except TransientError as exc:
            errors.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.3)
    mosquitto.kill9()  # its sockets close under the wait for PUBACK
    sender.join(2 * TIMEOUT)
    # Woken by the close, not by the timeout ("PUBACK not received"), and not rescued
    # by paho reconnecting and resending on its own: the journal owns resends.
    assert [str(e).split(" (")[0] for e in errors] == ["connection closed by the broker"]
    assert transport.session is None


class Spy:
    """The real transport, with the time and kind of every send."""

    def __init__(self, transport: MqttTransport):
        self.transport = transport
        self.calls: list[tuple[float, str]] = []

    def send(self, kind: str, body: bytes, *, seqs=None) -> None:
        self.calls.append((time.monotonic(), kind))
        self.transport.send(kind, body, seqs=seqs)

    def close(self) -> None:
        self.transport.close()


def test_failed_heartbeat_backs_off_like_a_failed_batch(broker, tmp_path):
    # A heartbeat that finds the link down must not be followed at once by another
    # connect for the batch: each failure waits its backoff (no doubled waits).
    srv = broker("allow_anonymous false\n")
    spy = Spy(MqttTransport(f"mqtt://127.0.0.1:{srv.port}", GATEWAY, "safeatlas", "gw-x",
                            None, TIMEOUT))
    journal = Journal(tmp_path / "journal.db", 1000, ["mqtt"])
    journal.append([Record(time.time(), "reading", "p", 1.0, None, "good", None, "m")])
    delay = 0.4
    fwd = Forwarder("mqtt", spy, journal, GATEWAY, heartbeat_interval=60,
                    beat=lambda name: None, backoff=Backoff(delay, delay))

    async def scenario() -> None:
        task = asyncio.create_task(fwd.run())
        while len(spy.calls) < 3:
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(scenario())
    fwd.close()
    journal.close()
    assert [kind for _, kind in spy.calls[:3]] == ["heartbeat", "batch", "batch"]
    assert fwd.last_error == "connection refused by the broker: CONNACK Not authorized"
    # Backoff jitter waits 0.8-1.0 x the delay; a loaded machine only waits longer.
    gaps = [b - a for (a, _), (b, _) in pairwise(spy.calls[:3])]
    assert min(gaps) >= 0.8 * delay, gaps


def acked(tmp_path) -> int:
    path = tmp_path / "journal.db"
    if not path.exists():
        return 0
    return read_stats(path)["uplinks"].get("mqtt", {}).get("acked_seq", 0)


def test_broker_killed_with_a_batch_in_flight_agent_resumes_at_once(
        tmp_path, simulator, agent, mosquitto):
    mb = free_port()
    simulator(mb)
    backoff_max = 0.3
    # no platform on this broker: the PUBACK counts (a receiver of protocol 1.0)
    uplink = {"id": "mqtt", "type": "mqtt", "url": f"mqtt://127.0.0.1:{mosquitto.port}",
              "hmac_key": HMAC_HEX, "timeout": TIMEOUT, "ack": "broker",
              "backoff": {"initial": 0.05, "max": backoff_max}}
    period = 0.1
    agent(agent_yaml(tmp_path, [modbus_source(mb)], tank_points(period), [uplink]))
    wait_until(lambda: acked(tmp_path) > 20, 60, what="first PUBACKs")
    # Paused, the broker takes the next batch (or heartbeat) but never acknowledges it;
    # killed, its sockets close under the agent's wait for that PUBACK.
    mosquitto.p.send_signal(signal.SIGSTOP)
    time.sleep(5 * period)
    mosquitto.kill9()
    mosquitto.start()
    wait_port(mosquitto.port)
    up, at_up = time.monotonic(), acked(tmp_path)
    wait_until(lambda: acked(tmp_path) > at_up, 60, what="PUBACK after the restart")
    recovery = time.monotonic() - up
    # The agent gave up the dead session at the kill, not at the timeout: once the
    # broker listens it is one backoff step (<= backoff_max) plus a connect and a
    # publish away. 3 s leaves room for a loaded machine and is far below TIMEOUT.
    assert recovery < 3.0, f"{recovery:.2f} s to the next PUBACK after the restart"


class Platform:
    """The platform's half of §5.1 and nothing else: answers every batch on the broker
    with an ack signed by `key` (the real ingest worker is tested in
    tests/monitoring/ingest/test_mqtt.py)."""

    def __init__(self, port: int, key: bytes):
        self.key, self.answered = key, 0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *a: self.ready.set()
        self.ready = threading.Event()
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(f"safeatlas/{GATEWAY}/batch", qos=1)
        self.client.loop_start()
        assert self.ready.wait(10)

    def _on_message(self, client, userdata, msg) -> None:
        doc = json.loads(msg.payload)
        body = protocol.dumps(protocol.ack_body(GATEWAY, doc["first_seq"], doc["last_seq"]))
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = list(protocol.sign(self.key, body, GATEWAY).items())
        client.publish(f"safeatlas/{GATEWAY}/ack", body, qos=1, properties=props)
        self.answered += 1

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_a_pubacked_batch_stays_in_the_journal_until_the_platforms_signed_ack(
        mosquitto, tmp_path):
    journal = Journal(tmp_path / "journal.db", 1000, ["mqtt"])
    journal.append([Record(time.time() + i, "reading", "p", float(i), None, "good", None, "m")
                    for i in range(5)])
    transport = MqttTransport(f"mqtt://127.0.0.1:{mosquitto.port}", GATEWAY, "safeatlas",
                              "gw-x", bytes.fromhex(HMAC_HEX), TIMEOUT, ack_timeout=1.0)
    fwd = Forwarder("mqtt", transport, journal, GATEWAY, heartbeat_interval=3600,
                    beat=lambda name: None)
    platforms = []
    try:
        with pytest.raises(TransientError) as err:  # the broker PUBACKs; no one answers
            asyncio.run(fwd.step())
        assert str(err.value) == "no platform ack of 1-5 within 1 s"
        assert journal.cursor("mqtt") == 0
        platforms.append(Platform(mosquitto.port, b"\x22" * 32))  # not the gateway's key
        with pytest.raises(TransientError):
            asyncio.run(fwd.step())
        assert platforms[0].answered == 1 and journal.cursor("mqtt") == 0
        platforms.append(Platform(mosquitto.port, bytes.fromhex(HMAC_HEX)))
        assert asyncio.run(fwd.step()) == 5  # resent, answered, released
        assert journal.cursor("mqtt") == 5 and journal.fetch("mqtt", 10) == []
    finally:
        for p in platforms:
            p.close()
        fwd.close()
        journal.close()
