"""Reference receiver for docs/ingest-protocol.md.

Used by the tests and the benchmark as a real HTTP(S) peer, and as an executable
example for the platform's ingest. Its collectors.protocol Verifier checks the
signature and replay window and decrypts; it "commits" via a callback, and only
then answers 200.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from collectors.protocol import H_SERVER_TIME, Rejected, Verifier


def _handler(verifier: Verifier, commit: Callable[[dict], None],
             gate: Callable[[dict], int | None], conns: set, busy: threading.Lock,
             alive: threading.Event) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            conns.add(self.connection)  # so stop() can cut keep-alive connections too

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with busy:  # stop() waits: a committed batch always gets its answer
                if not alive.is_set():
                    self.close_connection = True
                    return  # stopped meanwhile: behave like a dead link, commit nothing
                self._handle(body)

        def _handle(self, body: bytes) -> None:
            try:
                doc = verifier.open(dict(self.headers.items()), body)
                status = gate(doc)
                if status is not None:
                    raise Rejected(status, "rejected_by_test_gate")
                commit(doc)  # durable before we say so
                self._answer(200, {"ok": True, "acked_seq": doc.get("last_seq")})
            except Rejected as exc:
                self._answer(exc.status, {"ok": False, "error": exc.reason})

        def _answer(self, status: int, obj: dict) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header(H_SERVER_TIME, str(int(time.time())))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    return Handler


class ReceiverServer:
    """A threaded HTTP(S) ingest endpoint on loopback; start/stop repeatedly on one port."""

    def __init__(self, verifier: Verifier, commit: Callable[[dict], None], port: int = 0,
                 tls: ssl.SSLContext | None = None,
                 gate: Callable[[dict], int | None] = lambda doc: None):
        self.verifier, self.commit, self.port, self.tls, self.gate = (
            verifier, commit, port, tls, gate)
        self._server: ThreadingHTTPServer | None = None
        self._conns: set = set()
        self._busy = threading.Lock()
        self._alive = threading.Event()

    def start(self) -> ReceiverServer:
        ThreadingHTTPServer.allow_reuse_address = True
        handler = _handler(self.verifier, self.commit, lambda d: self.gate(d), self._conns,
                           self._busy, self._alive)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        if self.tls:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._alive.set()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        with self._busy:
            self._alive.clear()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._busy:
            self._cut_connections()

    def _cut_connections(self) -> None:
        for conn in list(self._conns):
            try:
                conn.shutdown(2)
                conn.close()
            except OSError:
                pass
        self._conns.clear()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/ingest/v1/batches"
