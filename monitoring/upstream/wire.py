"""The upstream message and its acknowledgement (docs/upstream-exchange.md §2), as we
define them: each province publishes its own, so a province whose format differs gets
its own adapter or a mapping here, not a change of the outbox.

Both are JSON, encrypted with the province's key by `collectors.protocol` (the same
AES-256-GCM / SM4-CBC envelopes the collectors use; our `sender` id is the authenticated
data, so an ack cannot be replayed to another sender)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from collectors.protocol import Cipher, decrypt, dumps, encrypt

WIRE_VERSION = 1


@dataclass(frozen=True)
class Batch:
    """Rows of one table, fields already mapped to the peer's names."""

    table: str              # the peer's table (or topic) name
    batch_id: str           # stable for the same rows: "<table>:<first seq>-<last seq>"
    rows: list[dict]
    id_field: str           # the peer's name of our `id`


class PeerError(Exception):
    """The peer could not be reached or did not acknowledge: nothing is taken as sent."""


def message_seal(batch: Batch, *, sender: str, cipher: Cipher) -> bytes:
    body = {"v": WIRE_VERSION, "kind": "rows", "sender": sender, "table": batch.table,
            "batch": batch.batch_id, "id_field": batch.id_field, "rows": batch.rows}
    return encrypt(dumps(body), sender, cipher)


def message_open(sealed: bytes, key: bytes) -> dict:
    """The peer's side (used by the loopback peer in tests, and by a province's own)."""
    return json.loads(decrypt(json.loads(sealed), key))


def ack_seal(batch_id: str, ids: list[str], *, sender: str, cipher: Cipher) -> bytes:
    body = {"v": WIRE_VERSION, "kind": "ack", "batch": batch_id, "ids": ids}
    return encrypt(dumps(body), sender, cipher)


def ack_open(sealed: bytes, *, batch_id: str, sender: str, key: bytes) -> set[str]:
    """The ids the peer acknowledged for this batch; PeerError if the answer is not one."""
    try:
        envelope = json.loads(sealed)
        if envelope.get("gateway") != sender:
            raise ValueError("ack for another sender")
        body = json.loads(decrypt(envelope, key))
    except (ValueError, KeyError, TypeError) as exc:
        raise PeerError(f"unreadable ack: {exc}") from exc
    if body.get("kind") != "ack" or body.get("batch") != batch_id:
        raise PeerError(f"ack of another batch: {body.get('batch')!r}")
    return {str(i) for i in body.get("ids", [])}
