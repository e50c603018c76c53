"""MQTT uplink: QoS 1 publish, acknowledged end to end (blocking; run in a thread).

A PUBACK only means the broker took the message: a broker restarted before the ingest
workers resubscribed drops it (Mosquitto 2.0 restores no shared subscription). So a batch
counts as delivered only when the platform's signed ack for it arrives on
`<prefix>/<gateway>/ack` (protocol §5.1, ADR 0017), published after its commit; with
`ack="broker"` (a receiver of protocol 1.0 that sends no acks) the PUBACK counts instead.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)
ACK_MODES = ("platform", "broker")


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
        self.subscribed = False  # SUBACK of the ack topic
        # the platform's answers, (first_seq, last_seq) -> None (committed) or the reason
        # of a refusal; late ones for an earlier copy of a batch still count
        self.platform: dict[tuple[int, int], str | None] = {}
        self.opener: Callable[[dict[str, str], bytes], dict] | None = None
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message

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

    def _on_subscribe(self, client, userdata, mid, reason_codes, props) -> None:
        with self.cond:
            self.subscribed = not any(rc.is_failure for rc in reason_codes)
            if not self.subscribed:
                self.closed = f"ack subscription refused by the broker: {reason_codes[0]}"
            self.cond.notify_all()

    def _on_message(self, client, userdata, msg) -> None:
        headers = dict(getattr(msg.properties, "UserProperty", None) or [])
        try:
            doc = self.opener(headers, msg.payload)
        except (ValueError, TypeError) as exc:  # not ours to trust: the batch waits on
            log.warning("ignored an ack: %s", exc)
            return
        with self.cond:
            if len(self.platform) > 1000:  # acks of batches long settled
                self.platform.clear()
            self.platform[(doc["first_seq"], doc["last_seq"])] = \
                None if doc["ok"] else str(doc.get("reason", "refused"))
            self.cond.notify_all()

    def platform_answer(self, first: int, last: int) -> tuple[bool, str | None]:
        """(answered, refusal): an ack of a range holding first..last answers the batch."""
        for (a, b), reason in list(self.platform.items()):
            if a <= first and b >= last:
                return True, reason
        return False, None

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
                 password: str | None = None, ack: str = "platform",
                 ack_timeout: float = 30.0):
        if ack not in ACK_MODES:
            raise ValueError(f"ack must be one of {ACK_MODES}, not {ack!r}")
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.tls = tls if parts.scheme == "mqtts" else None
        if parts.scheme == "mqtts" and self.tls is None:
            self.tls = ssl.create_default_context()
        self.port = parts.port or (8883 if self.tls else 1883)
        self.gateway, self.key, self.timeout = gateway, hmac_key, timeout
        self.prefix, self.client_id = topic_prefix, client_id
        self.username, self.password = username, password
        self.ack, self.ack_timeout = ack, ack_timeout
        self.session: _Session | None = None
        self._lock = threading.Lock()  # close() runs in another thread than send()
        self._closed = False  # closed for good: Agent.stop; no reconnect after it

    def _connect(self) -> _Session:
        if self.session is not None and self.session.alive():
            return self.session
        self._drop()
        # reconnect_on_failure=False: paho must not reconnect (and resend) behind our
        # back; the journal, not the MQTT library, decides what gets resent.
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv5, reconnect_on_failure=False)
        if self.username:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set_context(self.tls)
        session = _Session(client)
        with self._lock:
            if self._closed:  # a send orphaned by Agent.stop must not open a session
                raise TransientError("uplink closed")
            self.session = session
        try:
            # clean_start: paho's own retry queue is dropped with the session.
            client.connect(self.host, self.port, keepalive=15, clean_start=True)
        except OSError as exc:
            self._drop()
            raise TransientError(f"connect: {exc}") from None
        client.loop_start()
        if not session.wait(lambda: session.up, self.timeout):
            self._drop()
            raise TransientError(session.closed or "CONNACK not received")
        if self.ack == "platform":
            self._subscribe_acks(session)
        return session

    def _subscribe_acks(self, session: _Session) -> None:
        """Subscribed before the first publish, so no ack can pass unheard."""
        session.opener = lambda headers, body: protocol.ack_open(self.key, headers, body,
                                                                 self.gateway)
        session.client.subscribe(f"{self.prefix}/{self.gateway}/ack", qos=1)
        if not session.wait(lambda: session.subscribed, self.timeout):
            self._drop()
            raise TransientError(session.closed or "SUBACK not received")

    def send(self, kind: str, body: bytes, *, seqs: tuple[int, int] | None = None) -> None:
        """Publish at QoS 1; return after the broker's PUBACK and, for a batch (`seqs` =
        its first and last sequence numbers), the platform's ack of its commit."""
        session = self._connect()
        props = Properties(PacketTypes.PUBLISH)
        if self.key:
            props.UserProperty = list(protocol.sign(self.key, body, self.gateway).items())
        info = session.client.publish(f"{self.prefix}/{self.gateway}/{kind}", body, qos=1,
                                      properties=props)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            self._drop()
            raise TransientError(f"publish rc={info.rc}")
        if not session.wait(lambda: info.mid in session.acks, self.timeout):
            # Unknown fate: drop the session; the batch is resent with the same seqs.
            self._drop()
            raise TransientError(session.closed or "PUBACK not received")
        rc = session.acks.pop(info.mid)
        if rc.is_failure:
            raise PermanentError(f"PUBACK {rc}")
        if seqs is not None and self.ack == "platform":
            self._await_platform(session, *seqs)

    def _await_platform(self, session: _Session, first: int, last: int) -> None:
        """The broker has the batch; only the platform's ack says it is stored. Without
        one in time the batch stays in the journal and is resent (the platform keeps
        one copy per (gateway, seq)); the session stays, so a late ack still counts."""
        if not session.wait(lambda: session.platform_answer(first, last)[0], self.ack_timeout):
            if session.closed is not None:
                self._drop()
            raise TransientError(session.closed or f"no platform ack of {first}-{last}"
                                 f" within {self.ack_timeout:g} s")
        refusal = session.platform_answer(first, last)[1]
        if refusal is not None:
            raise PermanentError(f"refused by the platform: {refusal}")

    def _drop(self, why: str = "session dropped") -> None:
        """End the current session (a reconnect may follow). Whoever waits on it wakes
        now: a wait for the platform's ack would otherwise hold its thread for
        `ack_timeout`, and asyncio's executor shutdown waits for that thread."""
        with self._lock:
            session, self.session = self.session, None
        if session is None:
            return
        with session.cond:
            session.closed = session.closed or why
            session.cond.notify_all()
        session.client.disconnect()
        session.client.loop_stop()

    def close(self) -> None:
        """Close for good (the agent stops): interrupt any wait, refuse new sessions.
        An unacknowledged batch stays in the journal and is resent on the next start."""
        with self._lock:
            self._closed = True
        self._drop("uplink closed")
