"""`GET /monitoring/events`: alarms and warnings as server-sent events (ADR 0018).

For signed-in users and API-token clients. Each stream subscribes to the process's one
LISTEN connection (`fanout.HUB`); every id it is handed is read again through the
caller's scope before it is sent. `id:` is the alarm step's id, so a client that
reconnects with `Last-Event-ID` (or `?last_event_id=`) gets what it missed, read from
the table (at most EVENT_REPLAY_MAX events). A comment line every EVENT_HEARTBEAT_SECONDS
keeps proxies from closing an idle stream and finds a gone client; the caller's token or
session is checked again at each.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.scope import Scope, caller_user_id, scope_for_user_id
from geo.sessions import SESSION_ID_KEY, session_open
from geo.tokens import key_from_request, token_user_id
from monitoring.alarms import selectors
from monitoring.alarms.fanout import HUB, RESYNC, Subscription

RETRY_MS = 3000  # how soon a browser's EventSource reconnects
BATCH = 200      # ids read in one query when they arrive together


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    user_id = caller_user_id(request)
    if user_id is None:
        return JsonResponse({"detail": _("需要登录或访问令牌")}, status=401)
    scope = scope_for_user_id(int(user_id))
    if scope.key == "public":  # oversight roles read logs, not alarms
        return JsonResponse({"detail": _("调用者无权查看")}, status=403)
    if not HUB.ensure_listening():
        return _busy(_("事件服务暂不可用，请稍后重试"))
    sub = HUB.subscribe(scope, limit=settings.EVENT_STREAMS_MAX)
    if sub is None:
        return _busy(_("实时事件连接数已达上限，请稍后重试"))
    allowed = _caller_check(request, int(user_id), scope)
    response = StreamingHttpResponse(_stream(sub, allowed, _last_event_id(request)),
                                     content_type="text/event-stream; charset=utf-8")
    response._resource_closers.append(lambda: HUB.unsubscribe(sub))  # also if never read
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _busy(detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=503)
    response["Retry-After"] = "30"
    return response


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _caller_check(request: HttpRequest, user_id: int, scope: Scope) -> Callable[[], bool]:
    """Whether the caller may still read what the stream started with: the token not
    revoked or expired, the session not ended, the scope unchanged."""
    key = key_from_request(request) if getattr(request, "token_user_id", None) else None
    session_key = None if key else request.session.get(SESSION_ID_KEY)

    def allowed() -> bool:
        if key is not None and token_user_id(key) != user_id:
            return False
        if key is None and (request.session.get(SESSION_KEY) is None
                            or not session_open(session_key, user_id)):
            return False
        return scope_for_user_id(user_id) == scope
    return allowed


def _stream(sub: Subscription, allowed: Callable[[], bool], last: int | None
            ) -> Iterator[bytes]:
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        sent = _Sent()
        if last is None:
            start = _read(selectors.events_last_id, scope=sub.scope)
            sent.high = start
            yield _frame("stream.ready", {"since": start}, start)
        else:
            sent.high = last
            yield from _replay(sub.scope, sent)
        yield from _live(sub, allowed, sent)
    finally:
        HUB.unsubscribe(sub)


def _live(sub: Subscription, allowed: Callable[[], bool], sent: _Sent) -> Iterator[bytes]:
    beat = settings.EVENT_HEARTBEAT_SECONDS
    next_beat = time.monotonic() + beat
    while True:
        try:
            ids = [sub.queue.get(timeout=max(0.0, next_beat - time.monotonic()))]
        except queue.Empty:
            if not _read(allowed):
                yield _frame("stream.closed", {"reason": "unauthorised"})
                return
            yield b": heartbeat\n\n"
            next_beat = time.monotonic() + beat
            continue
        ids += _drained(sub.queue)
        if RESYNC in ids:
            yield from _replay(sub.scope, sent)
            continue
        fresh = [i for i in ids if i not in sent]
        for event in RECENT.read(sub.scope, fresh):
            yield _event(event, sent)


def _replay(scope: Scope, sent: _Sent) -> Iterator[bytes]:
    found, truncated = _read(selectors.events_after, scope=scope, after=sent.high,
                             limit=settings.EVENT_REPLAY_MAX)
    if truncated:  # more missed than is replayed: the client should reload its lists
        yield _frame("stream.truncated", {"replayed": len(found)})
    for event in found:
        if event["id"] not in sent:
            yield _event(event, sent)


def _event(event: dict, sent: _Sent) -> bytes:
    sent.add(event["id"])
    return _frame(event["type"], event, event["id"])


def _frame(kind: str, data: dict, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{head}event: {kind}\ndata: {body}\n\n".encode()


def _drained(q: queue.Queue) -> list[int]:
    out: list[int] = []
    while len(out) < BATCH:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            break
    return out


def _read(fn: Callable, **kwargs):
    """Run a read, then give the connection back: an idle stream holds no database
    connection, only its thread (outside a transaction, as a test's may be)."""
    try:
        return fn(**kwargs)
    finally:
        if not connection.in_atomic_block:
            connection.close()


class _Recent:
    """Events read in the last few seconds, per scope key (equal keys see equal rows,
    geo.scope): the streams of one county share one read of each new event instead of
    one each. Streams of a scope take turns on a miss, so the first reads for all."""

    def __init__(self, seconds: float = 5.0) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._scope_locks: dict[str, threading.Lock] = {}
        self._events: dict[tuple[str, int], tuple[float, dict | None]] = {}

    def read(self, scope: Scope, ids: list[int]) -> list[dict]:
        with self._lock:
            turn = self._scope_locks.setdefault(scope.key, threading.Lock())
        with turn:
            found, missing = self._known(scope.key, ids)
            if missing:
                read = {e["id"]: e for e in _read(selectors.events_read, scope=scope,
                                                  ids=missing)}
                self._remember(scope.key, missing, read)
                found.update(read)
        return [found[i] for i in sorted(found)]

    def _known(self, key: str, ids: list[int]) -> tuple[dict[int, dict], list[int]]:
        now, found, missing = time.monotonic(), {}, []
        with self._lock:
            for i in ids:
                hit = self._events.get((key, i))
                if hit is None or hit[0] < now:
                    missing.append(i)
                elif hit[1] is not None:  # None: read, and not visible in this scope
                    found[i] = hit[1]
        return found, missing

    def _remember(self, key: str, ids: list[int], read: dict[int, dict]) -> None:
        now = time.monotonic()
        with self._lock:
            for stale in [k for k, (until, _e) in self._events.items() if until < now]:
                del self._events[stale]
            for i in ids:
                self._events[(key, i)] = (now + self.seconds, read.get(i))


RECENT = _Recent()


class _Sent:
    """Ids already sent (the newest few thousand) and the highest, for resyncs."""

    def __init__(self, size: int = 5000) -> None:
        self.high = 0
        self._order: deque[int] = deque()
        self._set: set[int] = set()
        self._size = size

    def __contains__(self, event_id: int) -> bool:
        return event_id in self._set

    def add(self, event_id: int) -> None:
        self.high = max(self.high, event_id)
        self._order.append(event_id)
        self._set.add(event_id)
        if len(self._order) > self._size:
            self._set.discard(self._order.popleft())
