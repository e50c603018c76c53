"""The MQTT side of the ingest (protocol §2): a consumer in a shared subscription.

Each worker joins `$share/<group>/<prefix>/+/+` at QoS 1 with a persistent session
(clean_start off, a session expiry), so the broker splits the gateways' messages among the
workers and keeps what a dead worker had not acknowledged for the others. Acknowledgement
is manual: a message is acknowledged only after its transaction committed; when the
database fails the worker drops its connection without acknowledging, and the broker
delivers the message again. A message that can never be stored (bad signature, unknown
gateway, malformed) is logged as a security event and acknowledged, so it is not
redelivered for ever.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collectors.protocol import H_GATEWAY, H_NONCE, Rejected
from monitoring.ingest.keys import Keys
from monitoring.ingest.services import Replayed, refusal_log

log = logging.getLogger("monitoring.ingest")
SESSION_EXPIRY = 7 * 24 * 3600  # seconds the broker keeps an absent worker's messages


class Consumer:
    """One ingest worker: `run(stop)` until `stop` is set."""

    def __init__(self, url: str, *, group: str = "ingest", prefix: str = "safeatlas",
                 client_id: str = "safeatlas-ingest-1") -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 1883
        self.topic = f"$share/{group}/{prefix}/+/+"
        self.client_id, self.keys = client_id, Keys()
        self.handled = 0  # messages acknowledged (tests and the log read it)
        self.subscribed = threading.Event()  # the broker confirmed the subscription
        self._broken = threading.Event()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            client = self._client()
            try:
                client.connect(self.host, self.port, keepalive=30, clean_start=False,
                               properties=_connect_properties())
            except OSError as exc:
                log.warning("broker unreachable: %s", exc)
                stop.wait(1.0)
                continue
            self._broken.clear()
            # The network loop runs in this thread, so messages are stored on this
            # thread's database connection, which its caller closes.
            while not stop.is_set() and not self._broken.is_set():
                client.loop(timeout=0.2)
            client.disconnect()

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv5, manual_ack=True)
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_subscribe = lambda *a: self.subscribed.set()
        client.on_disconnect = lambda *a: (self.subscribed.clear(), self._broken.set())
        return client

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            log.warning("CONNACK %s", reason)
            self._broken.set()
            return
        client.subscribe(self.topic, qos=1)

    def _on_message(self, client, userdata, msg) -> None:
        try:
            self._handle(msg)
        except DatabaseError as exc:  # not committed: let the broker deliver it again
            log.warning("database: %s; reconnecting without acknowledging", exc)
            close_old_connections()
            self._broken.set()
            return
        client.ack(msg.mid, msg.qos)
        self.handled += 1

    def _handle(self, msg) -> None:
        close_old_connections()
        headers = dict(getattr(msg.properties, "UserProperty", None) or [])
        parts = msg.topic.split("/")
        gateway = headers.get(H_GATEWAY) or (parts[-2] if len(parts) > 2 else "")
        if len(parts) < 3 or parts[-2] != headers.get(H_GATEWAY):
            refusal_log(gateway, "topic_gateway_mismatch", topic=msg.topic[:200])
            return
        try:
            self.keys.receive(headers, msg.payload, topic=msg.topic[:200])
        except Replayed:  # committed before: a redelivery after a worker died unacknowledged
            log.info("message %s of %s already stored", headers.get(H_NONCE), gateway)
        except Rejected:
            pass  # logged by `receive`; acknowledged, so it is not delivered for ever


def _connect_properties() -> Properties:
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = SESSION_EXPIRY
    return props
