"""The gateways' keys, shared by the MQTT and HTTPS sides of the ingest."""

from __future__ import annotations

import time

from collectors.protocol import H_GATEWAY, Verifier
from monitoring.devices.models import Gateway

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

    def reload(self) -> None:
        rows = Gateway.objects.filter(in_use=True).values_list("code", "hmac_key", "enc_key")
        self.verifier.hmac_keys = {c: bytes.fromhex(h) for c, h, _ in rows if h}
        self.verifier.enc_keys = {c: bytes.fromhex(e) for c, _, e in rows if e}
        self.loaded = time.monotonic()
