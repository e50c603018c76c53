"""The one SQL statement behind a vector tile, derived from Layer declarations.

Each layer becomes a scalar `ST_AsMVT` subquery; a composite tile concatenates them
with `||` (an MVT is a sequence of layer messages, so concatenation is a valid tile).
The bbox test is on the stored 4326 geometry so its GiST index is used; transforming
to 3857 happens only for rows that pass it.
"""

from __future__ import annotations

import math

from geo.scope import Scope
from layers.base import DETAIL_ZOOM, FourColour, Layer

EXTENT = 4096          # MVT coordinate extent per tile side
BUFFER = 64            # extent units drawn outside the tile, so symbols are not clipped
THIN_CELLS = 128       # grid cells per tile side (4 px on a 512 px tile)
SIMPLIFY_BELOW_ZOOM = 14  # polygons and lines simplified to one tile unit below this zoom

_ENVELOPE = "ST_TileEnvelope(%s, %s, %s)"
_SEARCH_BOX = "ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => %s), 4326)"
_WORLD_M = 40075016.68557849  # width of the Web Mercator square in metres
_ID_SPAN = 10**15  # ids below this pack with their rank into one bigint


def tile_sql(layers: list[type[Layer]], scope: Scope, z: int, x: int, y: int
             ) -> tuple[str, list]:
    """One statement returning one bytea column: the MVT of `layers` (in order)."""
    parts, params = [], []
    for layer in layers:
        sql, p = _layer_sql(layer, scope, z, x, y)
        parts.append(sql)
        params += p
        if layer.label_points():
            sql, p = _label_sql(layer, scope, z, x, y)
            parts.append(sql)
            params += p
    return "SELECT " + " || ".join(parts), params



def _layer_sql(layer: type[Layer], scope: Scope, z: int, x: int, y: int) -> tuple[str, list]:
    where, where_params = _where(layer, scope)
    geom = f't."{layer.geometry_field().column}"'
    thin = layer.geometry_type() == "Point" and z < DETAIL_ZOOM
    rows = (f'SELECT t.*, {_projected(layer, geom, z)} AS g FROM "{layer.table()}" t '
            f"WHERE {geom} && {_SEARCH_BOX} AND ({where})")
    params = [layer.id, z, x, y, z, x, y, BUFFER / EXTENT, *where_params]
    if thin:
        rows += f' AND t."{layer.pk_column()}" IN ({_survivors(layer, geom, where, z, y)})'
        params += [z, x, y, BUFFER / EXTENT, *where_params]
    return _mvt(layer, thin, rows), params


def _label_sql(layer: type[Layer], scope: Scope, z: int, x: int, y: int
               ) -> tuple[str, list]:
    """A point on each polygon's surface, in the one tile that holds it: a name drawn per
    tile piece of a polygon would repeat along every tile edge it crosses. With
    `label_bands`, only the features named at this tile's zooms (z to z + 1)."""
    where, where_params = _where(layer, scope)
    band_sql, band_params = _band_filter(layer, z)
    geom = f't."{layer.geometry_field().column}"'
    rows = (f'SELECT t.*, ST_Transform(ST_PointOnSurface({geom}), 3857) AS g '
            f'FROM "{layer.table()}" t '
            f"WHERE {geom} && {_SEARCH_BOX} AND ({where}){band_sql}")
    sql = _mvt(layer, False, rows, within=f" WHERE ST_Intersects(g, {_ENVELOPE})")
    params = [layer.label_points(), z, x, y, z, x, y, 0.0, *where_params, *band_params,
              z, x, y]
    return sql, params


def _where(layer: type[Layer], scope: Scope) -> tuple[str, list]:
    """The caller's scope and, for dated snapshots, the newest ones (what tiles draw)."""
    where, params = layer.scope_sql(scope, "t")
    return f"({where}) AND {layer.current_sql('t')}", params


def _mvt(layer: type[Layer], thin: bool, rows: str, within: str = "") -> str:
    """One MVT layer (named by the first parameter) of `rows`' geometry `g`, clipped to
    the tile (its z, x, y the next three parameters)."""
    columns = ", ".join(_property_columns(layer, thin))
    id_arg = ", '__fid'" if _integer_pk(layer) else ""
    return (
        f"(SELECT COALESCE(ST_AsMVT(q, %s, {EXTENT}, 'geom'{id_arg}), ''::bytea) FROM ("
        f"SELECT {columns}, ST_AsMVTGeom(g, {_ENVELOPE}, {EXTENT}, {BUFFER}, true) AS geom"
        f" FROM ({rows}) t{within}) q WHERE q.geom IS NOT NULL)"
    )


def _band_filter(layer: type[Layer], z: int) -> tuple[str, list]:
    if not layer.label_bands:
        return "", []
    prop, bands = layer.label_bands
    ends = [zoom for zoom, _ in bands[1:]] + [float("inf")]
    shown = [value for (start, value), end in zip(bands, ends, strict=True)
             if start < z + 1 and end > z]
    return f' AND t."{layer.column(prop)}" = ANY(%s)', [shown]


def _survivors(layer: type[Layer], geom: str, where: str, z: int, y: int) -> str:
    """Ids of the points kept at low zoom: one per grid cell of about 1/THIN_CELLS of the
    tile, the most severe colour class winning. The grid is laid on the stored lon/lat
    (cells as tall as they are wide on screen at this tile's latitude) and grouped by a
    hash aggregate, so a tile over a million points neither sorts nor reprojects them all."""
    dx = 360.0 / 2**z / THIN_CELLS
    dy = dx * math.cos(math.radians(_tile_latitude(z, y)))
    pk = f't."{layer.pk_column()}"'
    if _integer_pk(layer):
        # min() over (priority, id) packed in one bigint picks the winner without sorting.
        winner = f"mod(min({_rank(layer)}::bigint * {_ID_SPAN} + {pk}), {_ID_SPAN})"
    else:
        winner = f"(array_agg({pk} ORDER BY {_rank(layer)}, {pk}))[1]"
    return (f'SELECT {winner} FROM "{layer.table()}" t '
            f"WHERE {geom} && {_SEARCH_BOX} AND ({where}) "
            f"GROUP BY floor(ST_X({geom}) / {dx!r}), floor(ST_Y({geom}) / {dy!r})")


def _tile_latitude(z: int, y: int) -> float:
    """Latitude of the centre of tile row y at zoom z."""
    n = math.pi * (1 - 2 * (y + 0.5) / 2**z)
    return math.degrees(math.atan(math.sinh(n)))


def _projected(layer: type[Layer], geom: str, z: int) -> str:
    projected = f"ST_Transform({geom}, 3857)"
    if layer.geometry_type() != "Point" and z < SIMPLIFY_BELOW_ZOOM:
        tolerance = _WORLD_M / (2**z) / EXTENT
        projected = f"ST_Simplify({projected}, {tolerance!r}, true)"
    return projected


def _property_columns(layer: type[Layer], thin: bool) -> list[str]:
    """Declared properties; thinned zooms carry only the colour property, since a click
    fetches the full record by id and labels start at DETAIL_ZOOM."""
    pk = layer.pk_column()
    columns = [f't."{pk}" AS "id"']
    if _integer_pk(layer):
        columns.append(f't."{pk}" AS "__fid"')
    names = [p for p in layer.properties if p != "id"]
    if thin:
        names = [p for p in names if p == getattr(layer.colour_by, "property", None)]
    return columns + [f't."{layer.column(p)}" AS "{p}"' for p in names]


def _rank(layer: type[Layer]) -> str:
    """Which point survives thinning: the most severe colour class (1 = red) first."""
    if isinstance(layer.colour_by, FourColour):
        return f'COALESCE(t."{layer.column(layer.colour_by.property)}", 9)'
    return "0"


def _integer_pk(layer: type[Layer]) -> bool:
    return layer.model._meta.pk.get_internal_type() in {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}
