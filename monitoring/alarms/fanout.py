"""One LISTEN connection per process, fanned out to the open event streams (ADR 0018).

The process's one listener (`geo.listen`, shared with the tile versions) hears
`safeatlas_events` and puts each notified step id into the queue of every subscribed
stream whose scope the payload's place could match. That pre-filter only narrows: each
stream re-reads its ids through the scope before sending. When the listener reconnects,
or a slow stream's queue overflows, the stream is told to catch up from the table
(`RESYNC`), since notifications sent meanwhile are gone.
"""

from __future__ import annotations

import json
import queue
import threading

from geo import listen
from geo.scope import Scope
from monitoring.alarms.events import CHANNEL

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
        self._channel = listen.register(_Events(self))

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
        """Have this process's one listener (`geo.listen`) fan events out here, and wait
        until it listens, so nothing committed after this returns is missed."""
        return listen.listen(self._channel, wait=wait)

    def stop(self) -> None:
        """Stop the listener (test teardown: the test database is dropped afterwards)."""
        listen.stop()


class _Events:
    """The `safeatlas_events` channel: step ids to the hub; after a lost connection
    every stream catches up from the table."""

    name = CHANNEL

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def connected(self, conn, *, again: bool) -> None:
        if again:
            self.hub.resync()

    def notified(self, payload: str) -> None:
        self.hub.publish(json.loads(payload))

    def tick(self, conn) -> None:
        pass


def _drain(q: queue.Queue) -> None:
    try:
        while True:
            q.get_nowait()
    except queue.Empty:
        pass


HUB = Hub()
