"""Optional payload encryption (protocol §3.3): AES-256-GCM, or SM4-CBC (国密) where required."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from collectors.protocol.messages import PROTOCOL_VERSION, dumps


@dataclass(frozen=True)
class Cipher:
    """Payload encryption settings: alg is 'aes-256-gcm' or 'sm4-cbc'."""

    alg: str
    key: bytes
    kid: str = "k1"


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
