"""The MQTT side of the ingest (protocol §2, §5.1): a consumer in a shared subscription.

Each worker joins `$share/<group>/<prefix>/+/batch` and `.../+/heartbeat` at QoS 1 with a
persistent session (clean_start off, a session expiry), so the broker splits the gateways'
messages among the workers and keeps what a dead worker had not acknowledged for the
others. Acknowledgement is manual and comes after the commit, twice: the platform's signed
ack of a batch on `<prefix>/<gateway>/ack` (what the agent waits for, since a PUBACK alone
is lost with a broker restarted before the workers resubscribe, ADR 0017), then the PUBACK.
When the database fails the worker drops its connection without acknowledging anything,
waits a backoff and reconnects; the broker delivers the message again. A message that can
never be stored (bad signature, unknown gateway, malformed) is logged as a security event
and PUBACKed, so it is not redelivered for ever; a signed batch refused for its content is
answered with a refusal the agent quarantines.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from collectors.protocol import H_GATEWAY, H_NONCE, Rejected, ack_body, dumps, sign
from monitoring.ingest.keys import Keys
from monitoring.ingest.services import Replayed, refusal_log

log = logging.getLogger("monitoring.ingest")
SESSION_EXPIRY = 7 * 24 * 3600  # seconds the broker keeps an absent worker's messages
KINDS = ("batch", "heartbeat")  # what agents publish; `ack` is what the workers publish
DB_BACKOFF = (0.5, 10.0)  # seconds between reconnects while the database is away


class Consumer:
    """One ingest worker: `run(stop)` until `stop` is set."""

    def __init__(self, url: str, *, group: str = "ingest", prefix: str = "safeatlas",
                 client_id: str = "safeatlas-ingest-1") -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 1883
        self.topics = [f"$share/{group}/{prefix}/+/{kind}" for kind in KINDS]
        # what workers of protocol 1.0 subscribed to; it would bring them our own acks
        self._old_topic = f"$share/{group}/{prefix}/+/+"
        self.client_id, self.keys = client_id, Keys()
        self.handled = 0  # messages acknowledged (tests and the log read it)
        self.subscribed = threading.Event()  # the broker confirmed the subscription
        self._broken = threading.Event()
        self._db_wait = 0.0  # seconds to wait before reconnecting (database down)

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
            if self._db_wait:  # redelivered at once, it would only fail again
                stop.wait(self._db_wait)

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
        client.unsubscribe(self._old_topic)  # harmless when the session has none
        client.subscribe([(topic, 1) for topic in self.topics])

    def _on_message(self, client, userdata, msg) -> None:
        try:
            answer = self._handle(msg)
        except DatabaseError as exc:  # not committed: let the broker deliver it again
            log.warning("database: %s; reconnecting without acknowledging", exc)
            with contextlib.suppress(DatabaseError):
                connection.close()
            self._db_wait = min(DB_BACKOFF[1], max(DB_BACKOFF[0], 2 * self._db_wait))
            self._broken.set()
            return
        self._db_wait = 0.0
        if answer is not None:  # queued before the PUBACK: a lost one is resent anyway
            topic, body, props = answer
            client.publish(topic, body, qos=1, properties=props)
        client.ack(msg.mid, msg.qos)
        self.handled += 1

    def _handle(self, msg) -> tuple[str, bytes, Properties] | None:
        """Store one message; return the platform's answer to publish, if it has one."""
        close_old_connections()
        headers = dict(getattr(msg.properties, "UserProperty", None) or [])
        parts = msg.topic.split("/")
        if parts[-1] not in KINDS:  # an ack, through a subscription of protocol 1.0
            return None
        gateway = headers.get(H_GATEWAY) or (parts[-2] if len(parts) > 2 else "")
        if len(parts) < 3 or parts[-2] != headers.get(H_GATEWAY):
            refusal_log(gateway, "topic_gateway_mismatch", topic=msg.topic[:200])
            return None
        try:
            doc = self.keys.receive(headers, msg.payload, topic=msg.topic[:200])
        except Replayed as exc:  # committed before: the first answer may have been lost
            log.info("message %s of %s already stored", headers.get(H_NONCE), gateway)
            return self._answer(msg.topic, exc.doc)
        except Rejected as exc:  # logged by `receive`; PUBACKed, not delivered for ever
            if exc.status == 400:  # the content, not the link: the agent quarantines it
                return self._answer(msg.topic, exc.doc, exc.reason)
            return None
        return self._answer(msg.topic, doc)

    def _answer(self, topic: str, doc: dict | None,
                refusal: str | None = None) -> tuple[str, bytes, Properties] | None:
        """The signed ack (§5.1) of a batch that names its sequence numbers."""
        if not isinstance(doc, dict) or doc.get("kind") != "batch":
            return None  # heartbeats are not journaled: nothing waits for them
        gateway, first, last = doc.get("gateway"), doc.get("first_seq"), doc.get("last_seq")
        key = self.keys.verifier.hmac_keys.get(gateway)
        if key is None or type(first) is not int or type(last) is not int:
            return None
        body = dumps(ack_body(gateway, first, last, reason=refusal))
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = list(sign(key, body, gateway).items())
        return f"{topic.rsplit('/', 1)[0]}/ack", body, props


def _connect_properties() -> Properties:
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = SESSION_EXPIRY
    return props
