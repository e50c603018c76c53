"""What every receiver checks before it may commit a message (protocol §4).

Transport-free: the reference HTTP receiver (collectors.receiver) and the platform's
ingest both call `Verifier.open` with the headers (or MQTT user properties) and the
exact body bytes, and map `Rejected.status` onto their answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict

from collectors.protocol.crypto import decrypt
from collectors.protocol.signing import H_GATEWAY, H_NONCE, H_TIMESTAMP, verify_signature

REPLAY_WINDOW = 300


class Rejected(Exception):
    """A message the receiver must refuse; `status` is the HTTP status of §5."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class Verifier:
    """Checks signature, replay window and nonce reuse; opens encrypted bodies."""

    def __init__(self, hmac_keys: dict[str, bytes], enc_keys: dict[str, bytes] | None = None,
                 window: int = REPLAY_WINDOW):
        self.hmac_keys, self.enc_keys, self.window = hmac_keys, enc_keys or {}, window
        # Nonces seen within the window, oldest first, so expiry pops from the front.
        self._nonces: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()  # one Verifier serves a threaded server

    def open(self, headers: dict[str, str], body: bytes, now: float | None = None, *,
             remember_nonce: bool = True) -> dict:
        """The plaintext message, or Rejected; the signature is checked before anything else.
        `remember_nonce=False`: the caller keeps the nonces itself (the platform records
        them in the transaction that stores the message, shared by all its workers)."""
        now = time.time() if now is None else now
        gateway = headers.get(H_GATEWAY, "")
        key = self.hmac_keys.get(gateway)
        if key is None or not verify_signature(key, body, headers):
            raise Rejected(401, "bad_signature")
        if abs(now - int(headers[H_TIMESTAMP])) > self.window:
            raise Rejected(401, "stale_timestamp")
        if remember_nonce:
            self._remember_nonce(headers[H_NONCE], now)
        try:
            doc = json.loads(body)
            if doc.get("kind") == "encrypted":
                doc = json.loads(decrypt(doc, self.enc_keys[gateway]))
        except (ValueError, KeyError) as exc:
            raise Rejected(400, f"malformed: {exc}") from None
        if doc.get("gateway") != gateway:
            raise Rejected(400, "gateway_mismatch")
        return doc

    def _remember_nonce(self, nonce: str, now: float) -> None:
        with self._lock:
            while self._nonces and next(iter(self._nonces.values())) < now - self.window:
                self._nonces.popitem(last=False)
            if nonce in self._nonces:
                raise Rejected(409, "replayed_nonce")
            self._nonces[nonce] = now


def ack_open(key: bytes | None, headers: dict[str, str], body: bytes, gateway: str) -> dict:
    """The platform's ack (§5.1) for `gateway`, or ValueError. With a key its signature
    must verify; its time and nonce are not checked: an ack only ever releases the
    sequence numbers it names, and the platform sends one only once they are committed,
    so a copy played back later says nothing untrue."""
    if key is not None and not verify_signature(key, body, headers):
        raise ValueError("ack signature invalid")
    doc = json.loads(body)
    if not isinstance(doc, dict) or doc.get("kind") != "ack" or doc.get("gateway") != gateway:
        raise ValueError("not an ack for this gateway")
    if not all(type(doc.get(k)) is int for k in ("first_seq", "last_seq")) or \
            not isinstance(doc.get("ok"), bool):
        raise ValueError("ack without first_seq, last_seq and ok")
    return doc
