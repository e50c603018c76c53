"""MQTT uplink: QoS 1 publish, acknowledged by PUBACK (blocking; run in a thread).

A PUBACK means the broker took responsibility for the message; the broker must
run with persistence on for that to survive a broker restart (see the protocol doc).
"""

from __future__ import annotations

import ssl
import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collectors import protocol
from collectors.transport_errors import PermanentError, TransientError


class MqttTransport:
    def __init__(self, url: str, gateway: str, topic_prefix: str, client_id: str,
                 hmac_key: bytes | None, timeout: float = 10.0,
                 tls: ssl.SSLContext | None = None, username: str | None = None,
                 password: str | None = None):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.tls = tls if parts.scheme == "mqtts" else None
        if parts.scheme == "mqtts" and self.tls is None:
            self.tls = ssl.create_default_context()
        self.port = parts.port or (8883 if self.tls else 1883)
        self.gateway, self.key, self.timeout = gateway, hmac_key, timeout
        self.prefix, self.client_id = topic_prefix, client_id
        self.username, self.password = username, password
        self.client: mqtt.Client | None = None
        self._connected = threading.Event()
        self._acks: dict[int, mqtt.ReasonCode] = {}

    def _connect(self) -> mqtt.Client:
        if self.client is not None and self.client.is_connected():
            return self.client
        self.close()
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv5)
        if self.username:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set_context(self.tls)
        client.on_connect = lambda c, u, f, rc, p: self._connected.set() if not rc.is_failure \
            else None
        client.on_disconnect = lambda c, u, f, rc, p: self._connected.clear()
        client.on_publish = lambda c, u, mid, rc, p: self._acks.__setitem__(mid, rc)
        self._connected.clear()
        self.client = client
        try:
            # clean_start: paho's own retry queue is dropped with the session; the
            # journal, not the MQTT library, decides what gets resent.
            client.connect(self.host, self.port, keepalive=15, clean_start=True)
        except OSError as exc:
            self.close()
            raise TransientError(f"connect: {exc}") from None
        client.loop_start()
        if not self._connected.wait(self.timeout):
            self.close()
            raise TransientError("CONNACK not received")
        return client

    def send(self, kind: str, body: bytes) -> None:
        """Publish at QoS 1; return only after the broker's PUBACK."""
        client = self._connect()
        props = Properties(PacketTypes.PUBLISH)
        if self.key:
            props.UserProperty = list(protocol.sign(self.key, body, self.gateway).items())
        info = client.publish(f"{self.prefix}/{self.gateway}/{kind}", body, qos=1,
                              properties=props)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            self.close()
            raise TransientError(f"publish rc={info.rc}")
        try:
            info.wait_for_publish(self.timeout)
        except (RuntimeError, ValueError) as exc:
            self.close()
            raise TransientError(f"publish: {exc}") from None
        rc = self._acks.pop(info.mid, None)
        if not info.is_published() or rc is None:
            # Unknown fate: drop the session; the batch is resent with the same seqs.
            self.close()
            raise TransientError("PUBACK not received")
        if rc.is_failure:
            raise PermanentError(f"PUBACK {rc}")

    def close(self) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client.loop_stop()
            self.client = None
            self._acks.clear()
