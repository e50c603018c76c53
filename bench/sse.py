"""A small server-sent events client for benches and tests: one real HTTP connection
(http.client), read by a thread into a queue of events and comments."""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Event:
    type: str
    id: int | None
    data: dict
    received: float = field(default_factory=time.monotonic)


class Stream:
    """GET `url` with `headers` (`timeout` for the answer to start, `read_timeout` between
    lines after); `status` once open; `next()` the next event (or comment line, as
    Event("comment", None, {"text": ...}))."""

    def __init__(self, url: str, headers: dict | None = None, timeout: float = 10.0,
                 read_timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                          headers={"Accept": "text/event-stream", **(headers or {})})
        self.sock = self.conn.sock  # the response takes it over when the server will close
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.sock.settimeout(read_timeout)  # longer than the heartbeat interval
        self.items: queue.Queue[Event | None] = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                line = line.decode().rstrip("\n")
                if line.startswith(":"):
                    self.items.put(Event("comment", None, {"text": line[1:].strip()}))
                elif line == "":
                    if "event" in fields or "data" in fields:
                        self.items.put(Event(fields.get("event", "message"),
                                             int(fields["id"]) if "id" in fields else None,
                                             json.loads(fields.get("data", "null"))))
                    fields = {}
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
        except (OSError, ValueError, AttributeError):  # AttributeError: closed meanwhile
            pass
        self.items.put(None)  # the stream ended

    def next(self, timeout: float = 10.0, *, comments: bool = False) -> Event | None:
        """The next event (None: the stream ended); skips comments unless asked."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.items.get(timeout=max(0.01, deadline - time.monotonic()))
            if item is None or comments or item.type != "comment":
                return item

    def events(self, n: int, timeout: float = 10.0) -> list[Event]:
        return [self.next(timeout) for _ in range(n)]

    def pending(self) -> list[Event]:
        """What arrived and was not yet taken, comments left out."""
        out = []
        while not self.items.empty():
            item = self.items.get_nowait()
            if item is not None and item.type != "comment":
                out.append(item)
        return out

    def close(self) -> None:
        """Hang up. The socket is shut first: closing the response while the reader thread
        is inside readline would wait for that read to end."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.conn.close()
