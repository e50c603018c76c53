"""HTTPS uplink: signed batch POST over a persistent connection (blocking; run in a thread)."""

from __future__ import annotations

import http.client
import ssl
import time
from urllib.parse import urlsplit

from collectors import protocol
from collectors.transport_errors import PermanentError, TooLarge, TransientError

# Statuses about the link or the credentials, not the batch: retrying is right,
# quarantining the data would lose it for a configuration mistake.
_TRANSIENT_4XX = {401, 403, 404, 408, 409, 425, 429}


def tls_context(ca_file: str | None, cert_file: str | None, key_file: str | None) -> ssl.SSLContext:
    """Verifying client context; a private CA is trusted only if configured."""
    ctx = ssl.create_default_context(cafile=ca_file)
    if cert_file:
        ctx.load_cert_chain(cert_file, key_file)
    return ctx


class HttpTransport:
    def __init__(self, url: str, gateway: str, hmac_key: bytes, timeout: float = 10.0,
                 tls: ssl.SSLContext | None = None):
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname or "", parts.port
        self.path = parts.path or "/"
        self.gateway, self.key, self.timeout = gateway, hmac_key, timeout
        self.tls = tls or (ssl.create_default_context() if self.https else None)
        self.conn: http.client.HTTPConnection | None = None
        # Receiver time minus ours: keeps signatures inside the replay window even
        # if the box's clock stepped.
        self.clock_offset = 0.0

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            if self.https:
                self.conn = http.client.HTTPSConnection(self.host, self.port,
                                                        timeout=self.timeout, context=self.tls)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def send(self, kind: str, body: bytes, *, seqs: tuple[int, int] | None = None) -> None:
        """POST one message; return only when the receiver acknowledged it (2xx, sent after
        its commit: the answer is the end-to-end ack, `seqs` need no matching)."""
        headers = protocol.sign(self.key, body, self.gateway, time.time() + self.clock_offset)
        headers.update({"Content-Type": "application/json", "X-SafeAtlas-Kind": kind})
        try:
            conn = self._connection()
            conn.request("POST", self.path, body=body, headers=headers)
            resp = conn.getresponse()
            detail = resp.read(2048).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise TransientError(f"{type(exc).__name__}: {exc}") from None
        self._learn_clock(resp.getheader(protocol.H_SERVER_TIME))
        if 200 <= resp.status < 300:
            return
        if resp.status == 413:
            raise TooLarge(f"413 {detail}")
        if 400 <= resp.status < 500 and resp.status not in _TRANSIENT_4XX:
            raise PermanentError(f"{resp.status} {detail}")
        raise TransientError(f"{resp.status} {detail}")

    def _learn_clock(self, server_time: str | None) -> None:
        if server_time and server_time.isdigit():
            self.clock_offset = int(server_time) - time.time()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
