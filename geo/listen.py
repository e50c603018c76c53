"""One LISTEN connection per process, shared by every channel that wants notifications
(the tile versions' `layer_version`, the alarm events' `safeatlas_events`).

A daemon thread holds its own autocommit psycopg connection (Django's parameters, so
tests listen on the test database). Each channel is a `Channel`: told when it starts to
listen (first time or after a reconnect: what was notified meanwhile is gone, so it
reloads or resyncs), given each payload, and ticked about once a second. Channels are
registered at import, so the first connection listens on all of them; one first asked
for while the thread runs is picked up at its next tick (at most a second).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Protocol

from django.db import connections

log = logging.getLogger(__name__)
TICK = 1.0  # seconds between looks at new channels and `tick` calls
APPLICATION_NAME = "safeatlas-listen"  # how pg_stat_activity names the connection


class Channel(Protocol):
    name: str

    def connected(self, conn, *, again: bool) -> None:
        """Listening (again, after a lost connection, when `again`): catch up."""

    def notified(self, payload: str) -> None:
        """One notification's payload."""

    def tick(self, conn) -> None:
        """About once a second, on the listener's thread and connection."""


_lock = threading.Lock()
_channels: dict[str, Channel] = {}
_listener: _Listener | None = None


def register(channel: Channel) -> Channel:
    """Make `channel` known (at import): the listener, whoever starts it, listens on
    every known channel from its first connection."""
    with _lock:
        _channels.setdefault(channel.name, channel)
    return channel


def listen(channel: Channel, *, wait: float) -> bool:
    """Have this process's listener (started once, again after a fork) listen on
    `channel`, and wait up to `wait` seconds until it does: nothing committed after
    True is returned is missed."""
    global _listener
    if live(channel.name):
        return True
    with _lock:
        _channels.setdefault(channel.name, channel)
        if _listener is None or _listener.pid != os.getpid() or not _listener.is_alive():
            _listener = _Listener(_connection_kwargs())
            _listener.start()
        listener = _listener
    return listener.wait_live(channel.name, wait)


def live(name: str) -> bool:
    """Whether this process's listener is connected and listening on `name` now."""
    listener = _listener
    return listener is not None and listener.pid == os.getpid() and listener.is_live(name)


def listening(name: str) -> bool:
    """Whether this process has asked to listen on `name` (and is not stopped)."""
    listener = _listener
    return listener is not None and listener.pid == os.getpid() and name in _channels


def stop() -> None:
    """Stop this process's listener and close its connection (test teardown: the test
    database cannot be dropped while a session is connected). Channels stay known and
    are listened on again by the next `listen`."""
    global _listener
    with _lock:
        listener, _listener = _listener, None
    if listener is not None and listener.pid == os.getpid():
        listener.stopping.set()
        listener.join(5.0)


def _connection_kwargs() -> dict:
    """Django's own connection parameters, minus its cursor and adapter objects, under
    a name of its own."""
    params = connections["default"].get_connection_params()
    kwargs = {k: v for k, v in params.items() if k not in {"cursor_factory", "context"}}
    return {**kwargs, "application_name": APPLICATION_NAME}


class _Listener(threading.Thread):
    """LISTEN on every known channel; reconnects after a pause on errors."""

    def __init__(self, kwargs: dict) -> None:
        super().__init__(name="geo-listener", daemon=True)
        self.kwargs, self.pid = kwargs, os.getpid()
        self.stopping = threading.Event()
        self._live: dict[str, threading.Event] = {}
        self._heard: set[str] = set()  # channels listened on by an earlier connection

    def _event(self, name: str) -> threading.Event:
        with _lock:
            return self._live.setdefault(name, threading.Event())

    def is_live(self, name: str) -> bool:
        event = self._live.get(name)  # no lock: this is on every cached tile's path
        return event is not None and event.is_set()

    def wait_live(self, name: str, wait: float) -> bool:
        return self._event(name).wait(wait)

    def run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            listened: set[str] = set()
            try:
                with psycopg.connect(**self.kwargs, autocommit=True) as conn:
                    while not self.stopping.is_set():
                        self._add_new(conn, listened)
                        self._dispatch(conn, listened)
            except Exception:
                log.warning("LISTEN connection lost", exc_info=True)
            for name in listened:
                self._event(name).clear()
            self.stopping.wait(TICK)

    def _add_new(self, conn, listened: set[str]) -> None:
        with _lock:
            new = [c for name, c in _channels.items() if name not in listened]
        for channel in new:
            conn.execute(f"LISTEN {channel.name}")
            channel.connected(conn, again=channel.name in self._heard)
            listened.add(channel.name)
            self._heard.add(channel.name)
            self._event(channel.name).set()

    def _dispatch(self, conn, listened: set[str]) -> None:
        for notify in conn.notifies(timeout=TICK):
            channel = _channels.get(notify.channel)
            if channel is None:
                continue
            try:
                channel.notified(notify.payload)
            except Exception:  # one bad payload must not cost the connection
                log.warning("unreadable %s payload %r", notify.channel,
                            notify.payload[:200], exc_info=True)
        for name in listened:
            _channels[name].tick(conn)
