"""Adapters to provincial platforms (对接适配器), registered by kind. An adapter sends one
batch of one table and returns the ids the peer acknowledged; it raises PeerError when
nothing can be taken as sent. It knows transport only: the outbox, the cursor and the
field mapping are the same for every kind (`services.py`)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import Protocol

from monitoring.upstream.config import cipher_of, delimiter_of
from monitoring.upstream.wire import Batch, PeerError, ack_open, message_seal

MAX_ACK = 1 << 20


class Adapter(Protocol):
    def send(self, batch: Batch) -> set[str]: ...


ADAPTERS: dict[str, type] = {}


def register(kind: str):
    def wrap(cls: type) -> type:
        ADAPTERS[kind] = cls
        return cls
    return wrap


def adapter_for(platform) -> Adapter:
    return ADAPTERS[platform.kind](platform)


class _Sealed:
    def __init__(self, platform) -> None:
        self.platform = platform
        self.cipher = cipher_of(platform)

    def _seal(self, batch: Batch) -> bytes:
        return message_seal(batch, sender=self.platform.sender, cipher=self.cipher)

    def _ack(self, answer: bytes, batch: Batch) -> set[str]:
        return ack_open(answer, batch_id=batch.batch_id, sender=self.platform.sender,
                        key=self.cipher.key)


@register("tcp")
class TcpAdapter(_Sealed):
    """TCP, one encrypted JSON envelope per frame ended by the delimiter; the peer
    answers one framed ack. A connection per batch: no half-read state survives an error."""

    def send(self, batch: Batch) -> set[str]:
        host, port = self.platform.endpoint.rsplit(":", 1)
        delimiter = delimiter_of(self.platform)
        frame = self._seal(batch)
        if delimiter in frame:
            raise PeerError("delimiter occurs inside the message")
        try:
            with socket.create_connection((host, int(port)),
                                          timeout=self.platform.timeout) as sock:
                sock.sendall(frame + delimiter)
                answer = _read_frame(sock, delimiter)
        except OSError as exc:
            raise PeerError(f"{self.platform.endpoint}: {exc}") from exc
        return self._ack(answer, batch)


def _read_frame(sock: socket.socket, delimiter: bytes) -> bytes:
    data = b""
    while delimiter not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise PeerError("connection closed before the ack")
        data += chunk
        if len(data) > MAX_ACK:
            raise PeerError("ack too long")
    return data.split(delimiter, 1)[0]


@register("http")
class HttpAdapter(_Sealed):
    """HTTP POST of the envelope; the answer's body is the ack envelope (200 only)."""

    def send(self, batch: Batch) -> set[str]:
        request = urllib.request.Request(self.platform.endpoint, data=self._seal(batch),
                                         headers={"Content-Type": "application/json"},
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.platform.timeout) as answer:
                if answer.status != 200:
                    raise PeerError(f"HTTP {answer.status}")
                body = answer.read(MAX_ACK + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise PeerError(f"{self.platform.endpoint}: {exc}") from exc
        return self._ack(body, batch)


@register("kafka")
class KafkaAdapter(_Sealed):
    """A topic per table (the table's `name`), one record per row keyed by its id.
    Interface only: no broker or Kafka client here yet (ADR 0022)."""

    def send(self, batch: Batch) -> set[str]:
        raise PeerError("Kafka adapter not implemented")
