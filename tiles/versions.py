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

import threading

from django.db import connections, transaction

from geo import listen
from tiles.cells import CELL_ZOOM, cell_range, finest

CHANNEL = "layer_version"
_layers: dict[str, int] = {}
_cells: dict[str, list[dict[tuple[int, int], int]]] = {}
_reads: dict[tuple[int, str, str], int] = {}  # (thread, db, table) -> re-reads
_lock = threading.Lock()


def current(tables: list[str], z: int, x: int, y: int) -> tuple[int, ...] | None:
    """Versions of tile z/x/y of `tables` from memory, or None when memory cannot be
    trusted."""
    if not listen.live(CHANNEL):
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
    """Have this process's one listener (`geo.listen`) keep the copy current, and wait
    briefly until it is live."""
    return listen.listen(_CHANNEL, wait=wait)


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
    if not listen.listening(CHANNEL):
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
    _CHANNEL.reload.set()


def stop_listening() -> None:
    """Stop this process's listener and close its connection (test teardown drops the
    database, which fails while a session is connected)."""
    listen.stop()


class _Versions:
    """The `layer_version` channel: loaded whole on (re)connecting, a payload at a time
    after, and again on request (`forget`)."""

    name = CHANNEL

    def __init__(self) -> None:
        self.reload = threading.Event()

    def connected(self, conn, *, again: bool) -> None:
        self._load(conn)

    def notified(self, payload: str) -> None:
        note_payload(payload)

    def tick(self, conn) -> None:
        if self.reload.is_set():
            self._load(conn)

    def _load(self, conn) -> None:
        self.reload.clear()
        with conn.cursor() as cursor:
            _load(cursor)


_CHANNEL = listen.register(_Versions())
