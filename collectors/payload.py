"""Wire payloads: JSON envelopes, HMAC-SHA256 signatures, optional encryption.

The normative description is docs/ingest-protocol.md; this module and
collectors.receiver are its reference implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from collectors import __version__
from collectors.journal import Row

PROTOCOL_VERSION = 1
H_GATEWAY = "X-SafeAtlas-Gateway"
H_TIMESTAMP = "X-SafeAtlas-Timestamp"
H_NONCE = "X-SafeAtlas-Nonce"
H_SIGNATURE = "X-SafeAtlas-Signature"
H_SERVER_TIME = "X-SafeAtlas-Time"


@dataclass(frozen=True)
class Cipher:
    """Payload encryption settings: alg is 'aes-256-gcm' or 'sm4-cbc'."""

    alg: str
    key: bytes
    kid: str = "k1"


def record_json(row: Row) -> dict:
    """One journal row as a wire record."""
    ts_ms = int(round(row.ts * 1000))
    if row.kind == "reading":
        rec = {"seq": row.seq, "kind": "reading", "point": row.ref, "ts": ts_ms,
               "value": row.value, "quality": row.quality, "unit": row.unit}
        if row.raw is not None:
            rec["raw"] = row.raw
        if row.reason:
            rec["reason"] = row.reason
        return rec
    return {"seq": row.seq, "kind": row.kind, "source": row.ref, "ts": ts_ms,
            "state": row.quality, "reason": row.reason}


def batch_body(gateway: str, rows: list[Row], dropped: int) -> dict:
    """The plaintext batch envelope for a run of journal rows."""
    body = {"v": PROTOCOL_VERSION, "kind": "batch", "gateway": gateway,
            "agent_version": __version__, "sent_at": int(time.time() * 1000),
            "first_seq": rows[0].seq, "last_seq": rows[-1].seq,
            "records": [record_json(r) for r in rows]}
    if dropped:
        body["dropped"] = {"count": dropped, "before_seq": rows[0].seq}
    return body


def dumps(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()


def encrypt(plain: bytes, gateway: str, cipher: Cipher | None) -> bytes:
    """Wrap a plaintext body in an encrypted envelope (or return it unchanged)."""
    if cipher is None:
        return plain
    if cipher.alg == "aes-256-gcm":
        iv = os.urandom(12)
        # The gateway id is authenticated data: a ciphertext cannot be replayed as
        # coming from another gateway.
        ct = AESGCM(cipher.key).encrypt(iv, plain, gateway.encode())
        alg = "A256GCM"
    else:
        iv = os.urandom(16)
        ct = _sm4_cbc(cipher.key, iv, plain, encrypt=True)
        alg = "SM4-CBC"
    return dumps({"v": PROTOCOL_VERSION, "kind": "encrypted", "gateway": gateway, "alg": alg,
                  "kid": cipher.kid, "iv": _b64(iv), "ct": _b64(ct)})


def decrypt(envelope: dict, key: bytes) -> bytes:
    """Open an encrypted envelope; raise ValueError if it does not authenticate."""
    iv, ct = base64.b64decode(envelope["iv"]), base64.b64decode(envelope["ct"])
    if envelope["alg"] == "A256GCM":
        try:
            return AESGCM(key).decrypt(iv, ct, envelope["gateway"].encode())
        except Exception as exc:  # InvalidTag carries no message
            raise ValueError("ciphertext does not authenticate") from exc
    if envelope["alg"] == "SM4-CBC":
        return _sm4_cbc(key, iv, ct, encrypt=False)
    raise ValueError(f"unknown alg {envelope['alg']!r}")


def _sm4_cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    # gmssl is imported lazily: only sites that choose SM4 need it at runtime.
    from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

    sm4 = CryptSM4()
    sm4.set_key(key, SM4_ENCRYPT if encrypt else SM4_DECRYPT)
    out = sm4.crypt_cbc(iv, data)
    if not encrypt and not out:
        raise ValueError("SM4 padding check failed")
    return out


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sign(key: bytes, body: bytes, gateway: str, now: float | None = None,
         nonce: str | None = None) -> dict[str, str]:
    """Signature headers (also used as MQTT v5 user properties).

    `nonce` defaults to a fresh random one; the platform passes the request's nonce
    when it signs a remote-config response (ingest protocol §7).
    """
    ts = str(int(now if now is not None else time.time()))
    nonce = nonce if nonce is not None else os.urandom(16).hex()
    mac = hmac.new(key, f"{ts}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()
    return {H_GATEWAY: gateway, H_TIMESTAMP: ts, H_NONCE: nonce, H_SIGNATURE: "v1=" + mac}


def verify_signature(key: bytes, body: bytes, headers: dict[str, str]) -> bool:
    """Constant-time check of the v1 HMAC signature (replay checks are the caller's)."""
    sig = headers.get(H_SIGNATURE, "")
    ts, nonce = headers.get(H_TIMESTAMP, ""), headers.get(H_NONCE, "")
    mac = hmac.new(key, f"{ts}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(sig, "v1=" + mac)


def read_key(value: str | None, path: str | None) -> bytes:
    """A key given inline (hex, or base64: prefix) or in a file holding the same."""
    text = value if value else Path(path or "").read_text(encoding="ascii").strip()
    if text.startswith("base64:"):
        return base64.b64decode(text[7:])
    return bytes.fromhex(text)
