"""HMAC-SHA256 message signatures (protocol §4), as HTTP headers or MQTT v5 user properties."""

from __future__ import annotations

import hashlib
import hmac
import os
import time

H_GATEWAY = "X-SafeAtlas-Gateway"
H_TIMESTAMP = "X-SafeAtlas-Timestamp"
H_NONCE = "X-SafeAtlas-Nonce"
H_SIGNATURE = "X-SafeAtlas-Signature"
# Not signed: the receiver's clock on every HTTP answer, so an agent whose clock
# stepped can still sign inside the replay window.
H_SERVER_TIME = "X-SafeAtlas-Time"


def _signature(key: bytes, body: bytes, ts: str, nonce: str) -> str:
    # Timestamp and nonce are inside the MAC: neither can be swapped to replay a body.
    return "v1=" + hmac.new(key, f"{ts}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()


def sign(key: bytes, body: bytes, gateway: str, now: float | None = None,
         nonce: str | None = None) -> dict[str, str]:
    """Signature headers (also used as MQTT v5 user properties).

    `nonce` defaults to a fresh random one; the platform passes the request's nonce
    when it signs a remote-config response (ingest protocol §7).
    """
    ts = str(int(now if now is not None else time.time()))
    nonce = nonce if nonce is not None else os.urandom(16).hex()
    return {H_GATEWAY: gateway, H_TIMESTAMP: ts, H_NONCE: nonce,
            H_SIGNATURE: _signature(key, body, ts, nonce)}


def verify_signature(key: bytes, body: bytes, headers: dict[str, str]) -> bool:
    """Constant-time check of the v1 HMAC signature (replay checks are the caller's)."""
    expected = _signature(key, body, headers.get(H_TIMESTAMP, ""), headers.get(H_NONCE, ""))
    return hmac.compare_digest(headers.get(H_SIGNATURE, ""), expected)
