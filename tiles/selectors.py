"""Reads behind the tile endpoints: which layers, which cache key, the tile itself,
the data extent. Every read is scoped by `Layer.scope_sql`."""

from __future__ import annotations

import psycopg
from django.db import connection
from django.utils.translation import gettext_lazy as _

from geo.scope import Scope
from layers.base import Layer, registry
from tiles import versions
from tiles.cache import TileEntry, TileKey, tile_cache
from tiles.sql import tile_sql

MAX_ZOOM = 24
_PREPARE_AFTER = 5  # psycopg's default; the tile cursor asks for `prepare=True` anyway
EMPTY = TileEntry.from_mvt(b"")
_extents: dict[tuple, tuple | None] = {}


class TileError(Exception):
    """A request the tile endpoints refuse; `status` is the HTTP status."""

    def __init__(self, status: int, detail) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def layers_from_ids(text: str) -> list[type[Layer]]:
    """`a,b,c` -> layers in that order; an unknown id is a 404."""
    ids = [part.strip() for part in text.split(",") if part.strip()]
    layers = [registry.get(layer_id) for layer_id in dict.fromkeys(ids)]
    if not ids or None in layers:
        raise TileError(404, _("未知图层"))
    return layers


def tile_coords(z: str, x: str, y: str) -> tuple[int, int, int]:
    """Validated integers; out-of-range or non-numeric coordinates are a 400."""
    if not (z.isdigit() and x.isdigit() and y.isdigit()):
        raise TileError(400, _("瓦片坐标须为非负整数"))
    zi, xi, yi = int(z), int(x), int(y)
    if zi > MAX_ZOOM or xi >= 2**zi or yi >= 2**zi:
        raise TileError(400, _("瓦片坐标超出范围"))
    return zi, xi, yi


def in_zoom(layers: list[type[Layer]], z: int) -> list[type[Layer]]:
    return [layer for layer in layers if layer.zoom[0] <= z <= layer.zoom[1]]


def tile_key(layers: list[type[Layer]], scope: Scope, z: int, x: int, y: int, *,
             live_only: bool = False) -> TileKey | None:
    """The cache key: per layer, the highest version over the cells the tile covers
    (ADR 0019). With `live_only` (the fast path) it never queries: None when the
    in-memory versions are not live."""
    tables = [layer.table() for layer in layers]
    found = versions.current(tables, z, x, y)
    if found is None and not live_only:
        if versions.ensure_listening():
            found = versions.current(tables, z, x, y)
        if found is None:
            found = versions.from_database(tables, z, x, y)
    if found is None:
        return None
    return TileKey(tuple(layer.id for layer in layers), found, scope.key, z, x, y)


def tile_get(layers: list[type[Layer]], scope: Scope, z: int, x: int, y: int) -> TileEntry:
    """The tile from the cache, rendered by one ST_AsMVT statement on a miss."""
    shown = in_zoom(layers, z)
    if not shown:
        return EMPTY
    key = tile_key(layers, scope, z, x, y)
    return tile_cache().get(key) or tile_render(key, shown, scope)


def tile_render(key: TileKey, shown: list[type[Layer]], scope: Scope) -> TileEntry:
    """Run the statement for the layers in zoom and store the result under `key`."""
    sql, params = tile_sql(shown, scope, key.z, key.x, key.y)
    connection.ensure_connection()
    # Prepared at once on this connection (the text repeats with new numbers only). Django
    # opens connections with prepare_threshold=None, which makes psycopg ignore even
    # `prepare=True`, so every cold tile was planned anew. Django's own cursors bind on the
    # client and never prepare, so enabling it on the connection changes only this cursor.
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _PREPARE_AFTER
    if connection.queries_logged:
        # Django's query log reads the text back from the cursor, which psycopg leaves
        # empty for a prepared statement: while queries are logged, run it unprepared.
        wrap, cursor_class = connection.make_debug_cursor, _LoggedCursor
    else:
        wrap, cursor_class = connection.make_cursor, _PreparedCursor
    with wrap(cursor_class(raw)) as cursor:
        cursor.execute(sql, params)
        entry = TileEntry.from_mvt(bytes(cursor.fetchone()[0]))
    tile_cache().put(key, entry)
    return entry


class _PreparedCursor(psycopg.Cursor):
    """Server-side binding, prepared statements, and the bytea result in binary (no hex
    encoding on the server and decoding here). Django's debug wrapper passes only
    (sql, params), hence the defaults."""

    prepare = True

    def execute(self, query, params=None, *, binary=True):
        return super().execute(query, params, prepare=self.prepare, binary=binary)


class _LoggedCursor(_PreparedCursor):
    prepare = False


def data_bounds(layers: list[type[Layer]], scope: Scope) -> list[float] | None:
    """[west, south, east, north] of the rows the caller sees, None when there are none."""
    key = tile_key(layers, scope, 0, 0, 0)
    boxes = []
    for layer, version in zip(layers, key.versions, strict=True):
        cache_key = (layer.id, version, scope.key)
        if cache_key not in _extents:
            if len(_extents) > 10_000:
                _extents.clear()  # old versions pile up otherwise
            sql, params = layer.extent_sql(scope)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            _extents[cache_key] = None if row[0] is None else tuple(row)
        if _extents[cache_key] is not None:
            boxes.append(_extents[cache_key])
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


def forget_extents() -> None:
    _extents.clear()
