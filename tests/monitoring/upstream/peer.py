"""A loopback provincial platform for the upstream tests: a real TCP (or HTTP) server on
127.0.0.1 that opens each framed message with the province's key, records its rows, and
acknowledges them (docs/upstream-exchange.md §2). It can be stopped and started again on
the same port, to play a province that was down."""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections import Counter

from collectors.protocol import Cipher
from monitoring.upstream.wire import ack_seal, message_open

_ALG = {"A256GCM": "aes-256-gcm", "SM4-CBC": "sm4-cbc"}


class Recorder:
    """What a province keeps: rows per table deduplicated by their id, and every receipt."""

    def __init__(self, key: bytes, alg: str) -> None:
        self.key, self.alg = key, alg
        self.rows: dict[str, dict[str, dict]] = {}
        self.receipts: Counter = Counter()      # (table, id) -> times received
        self.messages: list[dict] = []
        self.ack_limit: int | None = None       # acknowledge only the first N rows
        self.lock = threading.Lock()

    def answer(self, sealed: bytes) -> bytes:
        message = message_open(sealed, self.key)
        id_field = message["id_field"]
        with self.lock:
            self.messages.append(message)
            for row in message["rows"]:
                self.receipts[(message["table"], row[id_field])] += 1
                self.rows.setdefault(message["table"], {})[row[id_field]] = row
        ids = [row[id_field] for row in message["rows"]][:self.ack_limit]
        return ack_seal(message["batch"], ids, sender=message["sender"],
                        cipher=Cipher(alg=self.alg, key=self.key))


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class TcpPeer(Recorder):
    def __init__(self, key: bytes, alg: str, delimiter: bytes = b"\n") -> None:
        super().__init__(key, alg)
        self.delimiter, self.port, self.server = delimiter, 0, None

    def start(self) -> None:
        peer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                data = b""
                while chunk := self.request.recv(65536):
                    data += chunk
                    while peer.delimiter in data:
                        frame, data = data.split(peer.delimiter, 1)
                        self.request.sendall(peer.answer(frame) + peer.delimiter)

        self.server = _Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"


class HttpPeer(Recorder):
    def start(self) -> None:
        peer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                body = peer.answer(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/upstream"
