"""The ingest wire format (docs/ingest-protocol.md), shared by both ends of the link.

The agent builds, encrypts and signs messages with it; the platform's ingest checks
and opens them with the same code, so the two cannot drift apart. It imports no
Django and nothing else of `collectors` (import-linter contracts in pyproject.toml):
the platform may import this package without pulling in the agent.
"""

from collectors.protocol.crypto import Cipher, decrypt, encrypt
from collectors.protocol.keys import read_key
from collectors.protocol.messages import PROTOCOL_VERSION, ack_body, batch_body, dumps
from collectors.protocol.signing import (
    H_GATEWAY,
    H_NONCE,
    H_SERVER_TIME,
    H_SIGNATURE,
    H_TIMESTAMP,
    sign,
    verify_signature,
)
from collectors.protocol.verify import REPLAY_WINDOW, Rejected, Verifier, ack_open

__all__ = [
    "H_GATEWAY", "H_NONCE", "H_SERVER_TIME", "H_SIGNATURE", "H_TIMESTAMP", "PROTOCOL_VERSION",
    "REPLAY_WINDOW", "Cipher", "Rejected", "Verifier", "ack_body", "ack_open", "batch_body",
    "decrypt", "dumps", "encrypt", "read_key", "sign", "verify_signature",
]
