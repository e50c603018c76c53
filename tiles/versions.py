"""Data versions held in process memory, so a cached tile needs no query.

The database is the truth: `tiles_cellversion` (one row per layer table and z10 cell,
bumped by the triggers of `tiles.triggers` for the cells a write touched) and
`tiles_layerversion` (layer-wide: TRUNCATE, rows too wide to list their cells). All
versions come from one sequence, so a tile's version = the highest version over the
layer-wide one and its cells (`tiles.cells`) changes exactly when any of them is bumped.

Each process keeps a copy that is

- loaded by a LISTEN thread when it connects, then kept current from the
  `layer_version` notifications every trigger sends at commit (other processes and
  raw SQL writes), and
- refreshed synchronously after a commit of an ORM write made by this process
  (post_save / post_delete -> on_commit), so this process's next request is never stale.

The cells are kept as a pyramid: level CELL_ZOOM holds the cells, each coarser level the
highest version below it, so a coarse tile reads a few entries instead of thousands.
While the listener is not connected the copy is not "live" and callers read versions
from the database instead (correct, just slower).
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import connections, transaction

from tiles.cells import CELL_ZOOM, cell_range, finest

log = logging.getLogger(__name__)
CHANNEL = "layer_version"
_layers: dict[str, int] = {}
_cells: dict[str, list[dict[tuple[int, int], int]]] = {}
_reads: dict[tuple[int, str, str], int] = {}  # (thread, db, table) -> re-reads
_lock = threading.Lock()
_listener: _Listener | None = None


def current(tables: list[str], z: int, x: int, y: int) -> tuple[int, ...] | None:
    """Versions of tile z/x/y of `tables` from memory, or None when memory cannot be
    trusted."""
    listener = _listener
    if listener is None or not listener.live.is_set() or listener.pid != os.getpid():
        return None
    cells = cell_range(z, x, y)
    return tuple(_tile_version(table, cells) for table in tables)


def _tile_version(table: str, cells: tuple[int, int, int, int, int]) -> int:
    found = _layers.get(table, 0)
    pyramid = _cells.get(table)
    if pyramid is None:
        return found
    level, x0, x1, y0, y1 = cells
    grid = pyramid[level]
    if x0 == x1 and y0 == y1:  # a detail tile inside one cell: most requests
        return max(found, grid.get((x0, y0), 0))
    for cx in range(x0, x1 + 1):
        for cy in range(y0, y1 + 1):
            v = grid.get((cx, cy), 0)
            if v > found:
                found = v
    return found


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


_FROM_DATABASE = """
SELECT greatest(
    (SELECT max(version) FROM tiles_layerversion WHERE layer_table = t.name),
    (SELECT max(version) FROM tiles_cellversion c WHERE c.layer_table = t.name
     AND c.x BETWEEN %s AND %s AND c.y BETWEEN %s AND %s), 0)
FROM unnest(%s::text[]) WITH ORDINALITY AS t (name, n) ORDER BY t.n
"""


def from_database(tables: list[str], z: int, x: int, y: int, using: str = "default"
                  ) -> tuple[int, ...]:
    """The same versions read through the Django connection (the fallback when not
    live): one statement over the same cells as `current`."""
    x0, x1, y0, y1 = finest(cell_range(z, x, y))
    with connections[using].cursor() as cursor:
        cursor.execute(_FROM_DATABASE, [x0, x1, y0, y1, list(tables)])
        return tuple(row[0] for row in cursor.fetchall())


def note(table: str, version: int) -> None:
    """Record a layer-wide version; versions only grow, so late or repeated news is
    harmless."""
    with _lock:
        if version > _layers.get(table, 0):
            _layers[table] = version


def note_cells(table: str, version: int, cells) -> None:
    """Record the version of CELL_ZOOM cells `cells` ((x, y) pairs) and raise the
    coarser levels above them. An ancestor already as high ends the climb: every level
    above it is at least as high too."""
    with _lock:
        pyramid = _cells.get(table)
        if pyramid is None:
            pyramid = _cells[table] = [{} for _ in range(CELL_ZOOM + 1)]
        for x, y in cells:
            for level in range(CELL_ZOOM, -1, -1):
                shift = CELL_ZOOM - level
                key = (x >> shift, y >> shift)
                grid = pyramid[level]
                if grid.get(key, 0) >= version:
                    break
                grid[key] = version


def note_payload(payload: str) -> None:
    """Apply one notification: `table:version` (layer-wide) or `table:version:x.y,...`."""
    table, version, *cells = payload.split(":")
    if cells:
        note_cells(table, int(version),
                   (tuple(map(int, cell.split("."))) for cell in cells[0].split(",")))
    else:
        note(table, int(version))


def refresh_after_commit(table: str, using: str = "default") -> None:
    """Schedule a re-read of `table`'s versions once the current transaction commits.

    Read once per table and commit however many rows the ORM saved: every save adds a
    callback (so a savepoint rolled back cannot take the only one with it), and the
    callbacks of one commit run one after another on this thread, so all but the first
    see that this thread has read the table since they were scheduled and skip."""
    if _listener is None:
        return  # this process serves no tiles (a command, a worker): nothing to refresh
    key = (threading.get_ident(), using, table)
    scheduled = _reads.get(key, 0)

    def refresh() -> None:
        if _reads.get(key, 0) != scheduled:
            return  # read already, after this commit
        _reads[key] = scheduled + 1
        with connections[using].cursor() as cursor:
            _load(cursor, table)

    transaction.on_commit(refresh, using=using)


def _load(cursor, table: str | None = None) -> None:
    """Read the versions of `table` (all tables when None) through a DB-API cursor."""
    where, params = ("WHERE layer_table = %s", [table]) if table else ("", [])
    cursor.execute(f"SELECT layer_table, version FROM tiles_layerversion {where}", params)
    for name, version in cursor.fetchall():
        note(name, version)
    cursor.execute(f"SELECT layer_table, version, x, y FROM tiles_cellversion {where} "
                   "ORDER BY layer_table, version", params)
    batch: list[tuple[int, int]] = []
    last = None
    for name, version, x, y in cursor.fetchall():
        if batch and (name, version) != last:
            note_cells(*last, batch)
            batch = []
        last = (name, version)
        batch.append((x, y))
    if batch:
        note_cells(*last, batch)


def forget() -> None:
    """Drop the in-memory versions (tests); the listener reloads the committed ones
    within a second. Missing versions read as 0, which only makes keys miss, never hit
    stale entries, as long as the tile cache is dropped too."""
    with _lock:
        _layers.clear()
        _cells.clear()
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
                note_payload(notify.payload)
            if self.reload.is_set():
                self._load(conn)

    def _load(self, conn) -> None:
        self.reload.clear()
        with conn.cursor() as cursor:
            _load(cursor)
        self.live.set()
