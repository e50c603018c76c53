"""The gateways' keys and what both sides of the ingest (MQTT, HTTPS) do with a message."""

from __future__ import annotations

import time

from collectors.protocol import H_GATEWAY, H_NONCE, Rejected, Verifier
from monitoring.devices.models import Gateway
from monitoring.ingest.services import Replayed, message_store, refusal_log

KEYS_RELOAD = 10.0  # seconds between key reloads prompted by an unknown gateway


class Keys:
    """The gateways' keys for `Verifier`, reloaded when a gateway is not known yet."""

    def __init__(self) -> None:
        self.verifier = Verifier({}, {})
        self.loaded = -KEYS_RELOAD

    def open(self, headers: dict[str, str], body: bytes) -> dict:
        gateway = headers.get(H_GATEWAY, "")
        if gateway not in self.verifier.hmac_keys and \
                time.monotonic() - self.loaded > KEYS_RELOAD:
            self.reload()
        # nonces are kept by message_store, in the database all workers share
        return self.verifier.open(headers, body, remember_nonce=False)

    def receive(self, headers: dict[str, str], body: bytes, **where) -> dict:
        """Open and store one message; returns it. A refusal is logged as a security event
        with `where` (not a replay: it may be a resend whose answer was lost) and raised as
        Rejected, a signed body that is no valid message as 400 `malformed`. A refusal
        raised after the message was opened carries it as `doc` (else None), so MQTT can
        answer the batch it names (protocol §5.1)."""
        gateway, doc = headers.get(H_GATEWAY, ""), None
        try:
            doc = self.open(headers, body)
            message_store(doc, headers[H_NONCE])
            return doc
        except Replayed as exc:
            exc.doc = doc
            raise
        except Rejected as exc:
            refusal_log(gateway, exc.reason, **where)
            exc.doc = doc
            raise
        except (KeyError, TypeError, ValueError) as exc:
            refusal_log(gateway, "malformed", error=str(exc)[:200])
            refused = Rejected(400, "malformed")
            refused.doc = doc if isinstance(doc, dict) else None
            raise refused from None

    def reload(self) -> None:
        rows = Gateway.objects.filter(in_use=True).values_list("code", "hmac_key", "enc_key")
        self.verifier.hmac_keys = {c: bytes.fromhex(h) for c, h, _ in rows if h}
        self.verifier.enc_keys = {c: bytes.fromhex(e) for c, _, e in rows if e}
        self.loaded = time.monotonic()
