"""One LISTEN connection per process, fanned out to the open event streams (ADR 0018).

A listener thread holds its own autocommit psycopg connection on `safeatlas_events` (as
the tile versions' listener does on `layer_version`) and puts each notified step id into
the queue of every subscribed stream whose scope the payload's place could match. That
pre-filter only narrows: each stream re-reads its ids through the scope before sending.
When the listener reconnects, or a slow stream's queue overflows, the stream is told to
catch up from the table (`RESYNC`), since notifications sent meanwhile are gone.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading

from django.db import connections

from geo.scope import Scope
from monitoring.alarms.events import CHANNEL

log = logging.getLogger(__name__)
RESYNC = -1  # queued instead of an id: "read what you missed from the table"
QUEUE_SIZE = 1000


class Subscription:
    """One stream's end: a queue of step ids (or RESYNC)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.queue: queue.Queue[int] = queue.Queue(QUEUE_SIZE)

    def offer(self, item: int) -> None:
        try:
            self.queue.put_nowait(item)
        except queue.Full:  # a stream that cannot keep up catches up from the table
            _drain(self.queue)
            self.queue.put_nowait(RESYNC)

    def wanted(self, payload: dict) -> bool:
        s = self.scope
        if s.everything:
            return True
        if s.prefix is not None:
            return str(payload.get("division_code") or "").startswith(s.prefix)
        return s.organisation_id is not None and payload.get("organisation_id") == \
            s.organisation_id


class Hub:
    """The process's subscriptions, at most `limit` at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: set[Subscription] = set()
        self._listener: _Listener | None = None

    def subscribe(self, scope: Scope, *, limit: int) -> Subscription | None:
        """A new subscription, or None when `limit` streams are already open here."""
        with self._lock:
            if len(self._subs) >= limit:
                return None
            sub = Subscription(scope)
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    def count(self) -> int:
        with self._lock:
            return len(self._subs)

    def publish(self, payload: dict) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            if sub.wanted(payload):
                sub.offer(int(payload["id"]))

    def resync(self) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.offer(RESYNC)

    def ensure_listening(self, wait: float = 5.0) -> bool:
        """Start this process's listener (once; again after a fork) and wait until it
        listens, so nothing committed after this returns is missed."""
        with self._lock:
            listener = self._listener
            if listener is None or listener.pid != os.getpid() or not listener.is_alive():
                listener = self._listener = _Listener(self, _connection_kwargs())
                listener.start()
        return listener.live.wait(wait)

    def stop(self) -> None:
        """Stop the listener (test teardown: the test database is dropped afterwards)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None and listener.pid == os.getpid():
            listener.stopping.set()
            listener.join(5.0)


def _drain(q: queue.Queue) -> None:
    try:
        while True:
            q.get_nowait()
    except queue.Empty:
        pass


def _connection_kwargs() -> dict:
    """Django's own connection parameters (tests listen on the test database)."""
    params = connections["default"].get_connection_params()
    return {k: v for k, v in params.items() if k not in {"cursor_factory", "context"}}


class _Listener(threading.Thread):
    """LISTEN on its own autocommit connection; reconnects after a pause on errors and
    then tells every stream to catch up."""

    def __init__(self, hub: Hub, kwargs: dict) -> None:
        super().__init__(name="alarm-event-listener", daemon=True)
        self.hub, self.kwargs, self.pid = hub, kwargs, os.getpid()
        self.live = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        connected_before = False
        while not self.stopping.is_set():
            try:
                with psycopg.connect(**self.kwargs, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.live.set()
                    if connected_before:
                        self.hub.resync()
                    connected_before = True
                    self._listen(conn)
            except Exception:
                log.warning("alarm event listener lost its connection", exc_info=True)
            self.live.clear()
            self.stopping.wait(1.0)

    def _listen(self, conn) -> None:
        while not self.stopping.is_set():
            for notify in conn.notifies(timeout=1.0):
                try:
                    payload = json.loads(notify.payload)
                except ValueError:
                    log.warning("unreadable event payload %r", notify.payload[:200])
                    continue
                self.hub.publish(payload)


HUB = Hub()
