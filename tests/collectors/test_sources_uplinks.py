"""Source restarts, OPC UA by namespace URI, two uplinks (one dead), MQTT, systemd notify."""

from __future__ import annotations

import json
import os
import socket
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from collectors import protocol as payload
from collectors.simulator.layout import NS_URI
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

AES_HEX = "33" * 32


def opcua_source(port: int) -> dict:
    return {"id": "dcs", "type": "opcua", "endpoint": f"opc.tcp://127.0.0.1:{port}/safeatlas/",
            "namespace_uri": NS_URI, "timeout": 1.0, "backoff": {"initial": 0.1, "max": 0.5}}


def opcua_points(period: float) -> list[dict]:
    return [{"id": "T-101.ua.level", "source": "dcs", "node": "TankFarm/T-101/Level",
             "unit": "m", "period": period},
            {"id": "GD-01.ua.lel", "source": "dcs", "node": "GasDetectors/GD-01/Concentration",
             "unit": "%LEL", "period": period}]


def good_after(store, point: str, t0_ms: int) -> bool:
    return any(r["point"] == point and r["quality"] == "good" and r["ts"] > t0_ms
               for r in store.records())


def test_modbus_and_opcua_restart_resume_without_agent_restart(
        tmp_path, simulator, agent, receiver, store):
    mb, ua = free_port(), free_port()
    sim = simulator(mb, ua)
    cfg = agent_yaml(tmp_path, [modbus_source(mb), opcua_source(ua)],
                     tank_points(0.1) + opcua_points(0.1), [http_uplink(receiver.url)])
    proc = agent(cfg)
    wait_until(lambda: good_after(store, "T-101.ua.level", 0)
               and good_after(store, "T-101.level", 0), 20, what="both sources good")
    sim.stop()
    down_at = int(time.time() * 1000)
    time.sleep(1.0)
    # Restart with extra namespaces: the simulator's namespace index changes.
    simulator(mb, ua, padding=3)
    wait_until(lambda: good_after(store, "T-101.ua.level", down_at + 1000)
               and good_after(store, "T-101.level", down_at + 1000), 20, what="resume")
    assert proc.p.poll() is None  # same agent process throughout
    gap = [r for r in store.records() if r["ts"] >= down_at and r["quality"] == "bad"]
    assert {r["point"] for r in gap} >= {"T-101.level", "T-101.ua.level"}
    assert all(r["value"] is None for r in gap)  # bad, never a stale value
    events = [(e["source"], e["state"]) for e in store.records("device_status")]
    for src in ("plc", "dcs"):
        states = [s for name, s in events if name == src]
        assert states[-3:] == ["up", "down", "up"], (src, states)


class Subscriber:
    """An MQTT consumer that checks signatures and opens AES-GCM envelopes."""

    def __init__(self, port: int):
        self.batches: list[dict] = []
        self.received_at: list[float] = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(f"safeatlas/{GATEWAY}/#", qos=1)
        self.client.loop_start()

    def _on_message(self, client, userdata, msg) -> None:
        headers = dict(msg.properties.UserProperty)
        assert payload.verify_signature(bytes.fromhex(HMAC_HEX), msg.payload, headers)
        doc = json.loads(payload.decrypt(json.loads(msg.payload), bytes.fromhex(AES_HEX)))
        with self.lock:
            if doc["kind"] == "batch":
                self.batches.append(doc)
                self.received_at.append(time.time())

    def readings(self) -> list[tuple[dict, float]]:
        with self.lock:
            return [(r, t) for b, t in zip(self.batches, self.received_at, strict=True)
                    for r in b["records"] if r["kind"] == "reading"]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def test_dead_http_uplink_does_not_hold_back_mqtt(tmp_path, simulator, agent, mosquitto):
    mb = free_port()
    simulator(mb)
    sub = Subscriber(mosquitto.port)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(10)
    os.environ["NOTIFY_SOCKET"] = str(tmp_path / "notify.sock")
    mqtt_up = {"id": "mqtt", "type": "mqtt", "url": f"mqtt://127.0.0.1:{mosquitto.port}",
               "hmac_key": HMAC_HEX, "encryption": {"alg": "aes-256-gcm", "key": AES_HEX},
               "timeout": 2, "backoff": {"initial": 0.05, "max": 0.3},
               "ack": "broker"}  # the subscriber here is no platform: it sends no acks
    dead = http_uplink(f"http://127.0.0.1:{free_port()}/ingest")
    cfg = agent_yaml(tmp_path, [modbus_source(mb)], tank_points(0.1), [dead, mqtt_up])
    try:
        from tests.collectors import conftest

        conftest.ENV["NOTIFY_SOCKET"] = os.environ["NOTIFY_SOCKET"]
        proc = agent(cfg)
        assert notify.recv(100) == b"READY=1"  # systemd Type=notify handshake
        wait_until(lambda: len(sub.readings()) > 60, 20, what="mqtt readings")
        latencies = [t - r["ts"] / 1000 for r, t in sub.readings()[-30:]]
        assert max(latencies) < 1.5, latencies  # real time, not after the dead one
        status = json.loads((tmp_path / "journal.db.status.json").read_text())
        assert status["journal"]["uplinks"]["http"]["depth"] > 30
        assert status["uplinks"]["http"]["state"] == "down"
        # Broker restart (persistence on): the agent resends and carries on.
        mosquitto.stop()
        time.sleep(0.5)
        mosquitto.start()
        n = len(sub.readings())
        sub.close()
        sub = Subscriber(mosquitto.port)
        wait_until(lambda: len(sub.readings()) > 20, 20, what="after broker restart")
        assert n > 0 and proc.p.poll() is None
    finally:
        conftest.ENV.pop("NOTIFY_SOCKET", None)
        os.environ.pop("NOTIFY_SOCKET", None)
        sub.close()
        notify.close()
