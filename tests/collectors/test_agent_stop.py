"""SIGTERM stops a real agent at once even while a batch waits for the platform's ack
(protocol 1.1 §5.1): the wait is given up, the batch stays in the journal and goes out
again on the next start. Before the fix, the agent outlived the TERM by minutes."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from collectors.forwarder import Forwarder
from collectors.journal import Journal, read_stats
from collectors.uplink_mqtt import MqttTransport
from tests.collectors.conftest import (
    GATEWAY,
    HMAC_HEX,
    agent_yaml,
    free_port,
    modbus_source,
    tank_points,
    wait_until,
)

ACK_TIMEOUT = 30.0  # the default: far longer than a stop may take
STOP_WITHIN = 5.0


class BatchSpy:
    """Sees the batches the agent publishes; never answers them (no ingest worker)."""

    def __init__(self, port: int):
        self.firsts: list[int] = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="spy",
                                  protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(f"safeatlas/{GATEWAY}/batch", qos=1)
        self.client.loop_start()

    def _on_message(self, client, userdata, msg) -> None:
        doc = json.loads(msg.payload)
        with self.lock:
            self.firsts.append(doc["records"][0]["seq"])

    def seen(self) -> list[int]:
        with self.lock:
            return list(self.firsts)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_sigterm_while_a_batch_waits_for_its_ack_exits_at_once_and_keeps_the_batch(
        tmp_path, simulator, agent, mosquitto):
    mb = free_port()
    simulator(mb)
    uplink = {"id": "mqtt", "type": "mqtt", "url": f"mqtt://127.0.0.1:{mosquitto.port}",
              "hmac_key": HMAC_HEX, "timeout": 10, "ack": "platform",
              "ack_timeout": ACK_TIMEOUT, "backoff": {"initial": 0.05, "max": 0.3}}
    config = agent_yaml(tmp_path, [modbus_source(mb)], tank_points(0.1), [uplink])
    spy = BatchSpy(mosquitto.port)
    try:
        proc = agent(config)
        wait_until(spy.seen, 60, what="a batch on the broker")
        time.sleep(0.5)  # PUBACKed: the agent now waits for an ack that never comes
        sent = time.monotonic()
        proc.p.send_signal(signal.SIGTERM)
        try:
            code = proc.p.wait(3 * STOP_WITHIN)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - sent
        print(f"agent exited {took:.2f} s after SIGTERM, code {code}")
        assert code is not None and took < STOP_WITHIN, (
            f"still running {took:.1f} s after SIGTERM\n{proc.text()[-3000:]}")
        assert code == 0, proc.text()[-3000:]
        stats = read_stats(tmp_path / "journal.db")
        assert stats["uplinks"]["mqtt"]["acked_seq"] == 0  # no ack: nothing released
        assert stats["records"] >= spy.seen()[0]
        assert "no platform ack" not in proc.text()  # the wait was given up, not timed out

        before = len(spy.seen())
        agent(config)  # the next start resends the unacknowledged batch from its first seq
        wait_until(lambda: len(spy.seen()) > before, 60, what="the resent batch")
        assert spy.seen()[before] == spy.seen()[0] == 1
    finally:
        spy.close()


def test_a_cancel_landing_with_a_wake_stops_the_forwarder(tmp_path, mosquitto):
    # The demo's hang: a sampler journals (wake.set()) in the same loop iteration as
    # Agent.stop cancels the idle forwarder; Python 3.11's wait_for then returned
    # normally and the "cancelled" forwarder ran on, sending, for minutes.
    journal = Journal(tmp_path / "journal.db", 1000, ["mqtt"])
    transport = MqttTransport(f"mqtt://127.0.0.1:{mosquitto.port}", GATEWAY, "safeatlas",
                              "gw-x", bytes.fromhex(HMAC_HEX), 10, ack_timeout=ACK_TIMEOUT)
    fwd = Forwarder("mqtt", transport, journal, GATEWAY, heartbeat_interval=3600,
                    beat=lambda name: None)

    async def scenario() -> bool:
        task = asyncio.create_task(fwd.run())
        await asyncio.sleep(0.5)  # heartbeat sent (PUBACK), journal empty: idle on wake
        fwd.wake.set()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=3)
        if not done:
            task.cancel()
        return bool(done)

    try:
        assert asyncio.run(scenario()), "the forwarder swallowed its cancel"
    finally:
        fwd.close()
        journal.close()
