"""Per-layer data versions held in process memory, so a cached tile needs no query.

The database is the truth (`tiles_layerversion`, bumped by a trigger on every write).
Each process keeps a copy that is

- loaded by a LISTEN thread when it connects, then kept current from the
  `layer_version` notifications every trigger sends at commit (other processes and
  raw SQL writes), and
- refreshed synchronously after a commit of an ORM write made by this process
  (post_save / post_delete -> on_commit), so this process's next request is never stale.

While the listener is not connected the copy is not "live" and callers read versions
from the database instead (correct, just slower).
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import connections, transaction

log = logging.getLogger(__name__)
CHANNEL = "layer_version"
_versions: dict[str, int] = {}
_lock = threading.Lock()
_listener: _Listener | None = None


def current(tables: list[str]) -> tuple[int, ...] | None:
    """Versions of `tables` from memory, or None when memory cannot be trusted."""
    listener = _listener
    if listener is None or not listener.live.is_set() or listener.pid != os.getpid():
        return None
    return tuple(_versions.get(t, 0) for t in tables)


def ensure_listening(wait: float = 2.0) -> bool:
    """Start this process's listener (once) and wait briefly until it is live."""
    global _listener
    listener = _listener
    if listener is not None and listener.live.is_set() and listener.pid == os.getpid():
        return True
    with _lock:
        if _listener is None or _listener.pid != os.getpid() or not _listener.is_alive():
            _listener = _Listener(_connection_kwargs())
            _listener.start()
        listener = _listener
    return listener.live.wait(wait)


def from_database(tables: list[str], using: str = "default") -> tuple[int, ...]:
    """Versions read through the Django connection (the fallback when not live)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT layer_table, version FROM tiles_layerversion "
                       "WHERE layer_table = ANY(%s)", [list(tables)])
        found = dict(cursor.fetchall())
    return tuple(found.get(t, 0) for t in tables)


def note(table: str, version: int) -> None:
    """Record a version; versions only grow, so late or repeated news is harmless."""
    with _lock:
        if version > _versions.get(table, 0):
            _versions[table] = version


def refresh_after_commit(table: str, using: str = "default") -> None:
    """Schedule a re-read of `table`'s version once the current transaction commits."""
    if _listener is None:
        return  # this process serves no tiles (a command, a worker): nothing to refresh

    def refresh() -> None:
        note(table, from_database([table], using)[0])

    transaction.on_commit(refresh, using=using)


def forget() -> None:
    """Drop the in-memory versions (tests); the listener reloads the committed ones
    within a second. Missing versions read as 0, which only makes keys miss, never hit
    stale entries, as long as the tile cache is dropped too."""
    with _lock:
        _versions.clear()
        listener = _listener
    if listener is not None:
        listener.reload.set()


def stop_listening() -> None:
    """Stop this process's listener and close its connection (test teardown drops the
    database, which fails while a session is connected)."""
    global _listener
    with _lock:
        listener, _listener = _listener, None
    if listener is not None and listener.pid == os.getpid():
        listener.stopping.set()
        listener.join(5.0)


def _connection_kwargs() -> dict:
    """Django's own connection parameters (so tests listen on the test database), minus
    the Django-specific cursor and adapter objects."""
    params = connections["default"].get_connection_params()
    return {k: v for k, v in params.items() if k not in {"cursor_factory", "context"}}


class _Listener(threading.Thread):
    """LISTEN on its own autocommit connection; reconnects with a pause after errors."""

    def __init__(self, kwargs: dict) -> None:
        super().__init__(name="tiles-layer-version-listener", daemon=True)
        self.kwargs = kwargs
        self.pid = os.getpid()
        self.live = threading.Event()
        self.reload = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            try:
                with psycopg.connect(**self.kwargs, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._load(conn)
                    self._listen(conn)
            except Exception:
                log.warning("tile version listener lost its connection", exc_info=True)
            self.live.clear()
            self.stopping.wait(1.0)

    def _listen(self, conn) -> None:
        while not self.stopping.is_set():
            for notify in conn.notifies(timeout=1.0):
                table, _, version = notify.payload.rpartition(":")
                note(table, int(version))
            if self.reload.is_set():
                self._load(conn)

    def _load(self, conn) -> None:
        self.reload.clear()
        for table, version in conn.execute(
                "SELECT layer_table, version FROM tiles_layerversion").fetchall():
            note(table, version)
        self.live.set()
