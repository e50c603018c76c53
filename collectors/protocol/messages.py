"""Message envelopes (protocol §3) and the one JSON encoding every body uses."""

from __future__ import annotations

import json
import time

PROTOCOL_VERSION = 1


def dumps(obj: dict) -> bytes:
    """A message as wire bytes: compact UTF-8 JSON; NaN/Infinity raise (§3 forbids them)."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()


def batch_body(gateway: str, records: list[dict], dropped: int, *, agent_version: str) -> dict:
    """The plaintext batch envelope (§3.1) for wire records in ascending `seq` (at least one).

    `records` are plain dicts, so this side knows nothing of how the agent stores them;
    `dropped` is the exact count of records lost before the first one (0 = none).
    """
    body = {"v": PROTOCOL_VERSION, "kind": "batch", "gateway": gateway,
            "agent_version": agent_version, "sent_at": int(time.time() * 1000),
            "first_seq": records[0]["seq"], "last_seq": records[-1]["seq"],
            "records": records}
    if dropped:
        body["dropped"] = {"count": dropped, "before_seq": records[0]["seq"]}
    return body


def ack_body(gateway: str, first_seq: int, last_seq: int, *, reason: str | None = None) -> dict:
    """The platform's end-to-end answer to one batch (§5.1): `ok` once its transaction
    committed, or a permanent refusal with its `reason` (the agent quarantines after
    `max_rejections`)."""
    body = {"v": PROTOCOL_VERSION, "kind": "ack", "gateway": gateway,
            "sent_at": int(time.time() * 1000), "first_seq": first_seq, "last_seq": last_seq,
            "ok": reason is None}
    if reason is None:
        body["acked_seq"] = last_seq
    else:
        body["reason"] = reason
    return body
