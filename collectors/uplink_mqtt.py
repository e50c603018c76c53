"""MQTT uplink: QoS 1 publish, acknowledged by PUBACK (blocking; run in a thread).

A PUBACK means the broker took responsibility for the message; the broker must
run with persistence on for that to survive a broker restart (see the protocol doc).
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collectors import protocol
from collectors.transport_errors import PermanentError, TransientError


class _Session:
    """One broker connection. paho's callbacks all report into one condition, so a
    sender waiting for CONNACK or PUBACK wakes on its answer or the moment the
    broker closes the socket, never only at the timeout."""

    def __init__(self, client: mqtt.Client):
        self.client = client
        self.cond = threading.Condition()
        self.up = False
        self.closed: str | None = None  # why the broker ended the session
        self.acks: dict[int, mqtt.ReasonCode] = {}
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish

    def _on_connect(self, client, userdata, flags, rc: mqtt.ReasonCode, props) -> None:
        with self.cond:
            if rc.is_failure:
                self.closed = f"connection refused by the broker: CONNACK {rc}"
            else:
                self.up = True
            self.cond.notify_all()

    def _on_disconnect(self, client, userdata, flags, rc: mqtt.ReasonCode, props) -> None:
        with self.cond:
            self.closed = self.closed or f"connection closed by the broker ({rc})"
            self.cond.notify_all()

    def _on_publish(self, client, userdata, mid: int, rc: mqtt.ReasonCode, props) -> None:
        with self.cond:
            self.acks[mid] = rc
            self.cond.notify_all()

    def wait(self, answered: Callable[[], bool], timeout: float) -> bool:
        """True once answered; False at the timeout or as soon as the session closed."""
        with self.cond:
            self.cond.wait_for(lambda: answered() or self.closed is not None, timeout)
            return answered()

    def alive(self) -> bool:
        return self.up and self.closed is None and self.client.is_connected()


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
        self.session: _Session | None = None

    def _connect(self) -> _Session:
        if self.session is not None and self.session.alive():
            return self.session
        self.close()
        # reconnect_on_failure=False: paho must not reconnect (and resend) behind our
        # back; the journal, not the MQTT library, decides what gets resent.
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv5, reconnect_on_failure=False)
        if self.username:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set_context(self.tls)
        self.session = session = _Session(client)
        try:
            # clean_start: paho's own retry queue is dropped with the session.
            client.connect(self.host, self.port, keepalive=15, clean_start=True)
        except OSError as exc:
            self.close()
            raise TransientError(f"connect: {exc}") from None
        client.loop_start()
        if not session.wait(lambda: session.up, self.timeout):
            self.close()
            raise TransientError(session.closed or "CONNACK not received")
        return session

    def send(self, kind: str, body: bytes) -> None:
        """Publish at QoS 1; return only after the broker's PUBACK."""
        session = self._connect()
        props = Properties(PacketTypes.PUBLISH)
        if self.key:
            props.UserProperty = list(protocol.sign(self.key, body, self.gateway).items())
        info = session.client.publish(f"{self.prefix}/{self.gateway}/{kind}", body, qos=1,
                                      properties=props)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            self.close()
            raise TransientError(f"publish rc={info.rc}")
        if not session.wait(lambda: info.mid in session.acks, self.timeout):
            # Unknown fate: drop the session; the batch is resent with the same seqs.
            self.close()
            raise TransientError(session.closed or "PUBACK not received")
        rc = session.acks.pop(info.mid)
        if rc.is_failure:
            raise PermanentError(f"PUBACK {rc}")

    def close(self) -> None:
        if self.session is not None:
            self.session.client.disconnect()
            self.session.client.loop_stop()
            self.session = None
