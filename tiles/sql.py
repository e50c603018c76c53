"""The one SQL statement behind a vector tile, derived from Layer declarations.

Each layer becomes a scalar `ST_AsMVT` subquery; a composite tile concatenates them
with `||` (an MVT is a sequence of layer messages, so concatenation is a valid tile).
The bbox test is on the stored 4326 geometry so its GiST index is used; transforming
to 3857 happens only for rows that pass it.
"""

from __future__ import annotations

from geo.scope import Scope
from layers.base import FourColour, Layer

EXTENT = 4096          # MVT coordinate extent per tile side
BUFFER = 64            # extent units drawn outside the tile, so symbols are not clipped
THIN_BELOW_ZOOM = 12   # point layers keep one feature per grid cell below this zoom
THIN_CELLS = 128       # grid cells per tile side (4 px on a 512 px tile)
SIMPLIFY_BELOW_ZOOM = 14  # polygons and lines simplified to one tile unit below this zoom

_ENVELOPE = "ST_TileEnvelope(%s, %s, %s)"
_SEARCH_BOX = "ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => %s), 4326)"
_WORLD_M = 40075016.68557849  # width of the Web Mercator square in metres


def tile_sql(layers: list[type[Layer]], scope: Scope, z: int, x: int, y: int
             ) -> tuple[str, list]:
    """One statement returning one bytea column: the MVT of `layers` (in order)."""
    parts, params = [], []
    for layer in layers:
        sql, p = _layer_sql(layer, scope, z, x, y)
        parts.append(sql)
        params += p
    return "SELECT " + " || ".join(parts), params


def _layer_sql(layer: type[Layer], scope: Scope, z: int, x: int, y: int) -> tuple[str, list]:
    where, where_params = layer.scope_sql(scope, "t")
    geom = f't."{layer.geometry_field().column}"'
    projected = _projected(layer, geom, z)
    thin = layer.geometry_type() == "Point" and z < THIN_BELOW_ZOOM
    columns = ", ".join(_property_columns(layer))
    cell = _WORLD_M / (2**z) / THIN_CELLS
    distinct = (f"DISTINCT ON (floor(ST_X(g) / {cell!r}), floor(ST_Y(g) / {cell!r})) "
                if thin else "")
    order = f"ORDER BY floor(ST_X(g) / {cell!r}), floor(ST_Y(g) / {cell!r}), " \
            f"{_priority(layer)}" if thin else ""
    id_arg = ", '__fid'" if _integer_pk(layer) else ""
    # Thinning picks rows before ST_AsMVTGeom runs, so only the survivors are encoded.
    sql = (
        f"(SELECT COALESCE(ST_AsMVT(q, %s, {EXTENT}, 'geom'{id_arg}), ''::bytea) FROM ("
        f"SELECT {columns}, ST_AsMVTGeom(g, {_ENVELOPE}, {EXTENT}, {BUFFER}, true) AS geom"
        f" FROM (SELECT {distinct}t.* FROM (SELECT t.*, {projected} AS g"
        f" FROM \"{layer.table()}\" t WHERE {geom} && {_SEARCH_BOX} AND ({where})) t"
        f" {order}) t) q WHERE q.geom IS NOT NULL)"
    )
    params = [layer.id, z, x, y, z, x, y, BUFFER / EXTENT, *where_params]
    return sql, params


def _projected(layer: type[Layer], geom: str, z: int) -> str:
    projected = f"ST_Transform({geom}, 3857)"
    if layer.geometry_type() != "Point" and z < SIMPLIFY_BELOW_ZOOM:
        tolerance = _WORLD_M / (2**z) / EXTENT
        projected = f"ST_Simplify({projected}, {tolerance!r}, true)"
    return projected


def _property_columns(layer: type[Layer]) -> list[str]:
    pk = layer.pk_column()
    columns = [f't."{pk}" AS "id"']
    if _integer_pk(layer):
        columns.append(f't."{pk}" AS "__fid"')
    columns += [f't."{layer.column(p)}" AS "{p}"' for p in layer.properties if p != "id"]
    return columns


def _priority(layer: type[Layer]) -> str:
    """Which point survives thinning: the most severe colour class, then the lowest id."""
    pk = f't."{layer.pk_column()}"'
    if isinstance(layer.colour_by, FourColour):
        return f't."{layer.column(layer.colour_by.property)}" ASC NULLS LAST, {pk}'
    return pk


def _integer_pk(layer: type[Layer]) -> bool:
    return layer.model._meta.pk.get_internal_type() in {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def extent_sql(layer: type[Layer], scope: Scope) -> tuple[str, list]:
    """The caller's data extent of one layer in 4326: xmin, ymin, xmax, ymax (NULLs if empty)."""
    where, params = layer.scope_sql(scope, "t")
    geom = f't."{layer.geometry_field().column}"'
    sql = (f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
           f"(SELECT ST_Extent({geom}) AS e FROM \"{layer.table()}\" t WHERE {where}) s")
    return sql, params
