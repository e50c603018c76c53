"""SQL for OGC API items, derived from a Layer declaration.

PostGIS builds the GeoJSON (ST_AsGeoJSON + json_build_object, ST_Transform for
the output CRS) and aggregates a whole page into one text value, so Python only
parses one string per request. The caller's scope always comes from
`Layer.scope_sql`; nothing here filters by jurisdiction itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyproj
from django.db.models import Field

from geo.scope import Scope
from layers.base import Layer
from layers.ogc import near as near_sql
from layers.ogc.near import Near

STORAGE_SRID = 4326


@dataclass(frozen=True)
class OutputCrs:
    """Target SRID, whether its axis order is latitude first, and coordinate precision."""

    srid: int = STORAGE_SRID
    flip: bool = False
    digits: int = 7


CRS84 = OutputCrs()


@lru_cache(maxsize=32)
def output_crs(uri: str | None) -> OutputCrs:
    """OutputCrs for an OGC CRS URI (CRS84 when None). EPSG geographic CRSs are
    latitude-first by definition (OGC API Features Part 2), so those are flipped."""
    if not uri or uri.rstrip("/").endswith("CRS84"):
        return CRS84
    srid = int(uri.rstrip("/").rsplit("/", 1)[1])
    crs = pyproj.CRS.from_epsg(srid)
    flip = crs.axis_info[0].direction.lower() in {"north", "south"}
    return OutputCrs(srid=srid, flip=flip, digits=7 if crs.is_geographic else 3)


@dataclass
class ItemQuery:
    """What one /items request asks for, already validated by pygeoapi."""

    scope: Scope
    bbox: tuple[float, float, float, float] | None = None
    equals: list[tuple[str, object]] = field(default_factory=list)
    text: str | None = None
    sortby: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    select: list[str] = field(default_factory=list)
    skip_geometry: bool = False
    crs: OutputCrs = CRS84
    near: Near | None = None  # vendor `near=lon,lat[&radius=m]`: nearest first
    when: tuple[object, object] | None = None  # `datetime=` on time_field: (start, end), None open
    cql: tuple[str, list] | None = None  # `filter=`: the condition from layers.ogc.cql_sql


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column(layer: type[Layer], name: str) -> str:
    return f"t.{_q(layer.column(name))}"


def geometry_sql(layer: type[Layer], crs: OutputCrs) -> str:
    expr = f"t.{_q(layer.geometry_field().column)}"
    if crs.srid != STORAGE_SRID:
        expr = f"ST_Transform({expr}, {int(crs.srid)})"
    if crs.flip:
        expr = f"ST_FlipCoordinates({expr})"
    return f"ST_AsGeoJSON({expr}, {int(crs.digits)})::json"


def feature_sql(layer: type[Layer], query: ItemQuery) -> str:
    """json_build_object(...) for one row of `table() AS t`."""
    names = query.select or layer.properties
    pairs = ", ".join(f"'{name}', {column(layer, name)}" for name in names)
    if query.near is not None:
        pairs += f", 'distance_m', {near_sql.distance_sql(layer, query.near)}"
    geometry = "NULL::json" if query.skip_geometry else geometry_sql(layer, query.crs)
    return (f"json_build_object('type', 'Feature', 'id', t.{_q(layer.pk_column())}, "
            f"'geometry', {geometry}, 'properties', json_build_object({pairs}))")


def where_sql(layer: type[Layer], query: ItemQuery) -> tuple[str, list]:
    scope_sql, params = layer.scope_sql(query.scope, "t")
    parts = [scope_sql]
    if query.bbox is not None:
        geom = f"t.{_q(layer.geometry_field().column)}"
        envelope = f"ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_SRID})"
        # For points the index test is the exact test; other shapes need ST_Intersects.
        is_point = layer.geometry_type() == "Point"
        parts.append(f"{geom} && {envelope}" if is_point else f"ST_Intersects({geom}, {envelope})")
        params += list(query.bbox)
    for name, value in query.equals:
        parts.append(f"{column(layer, name)} = %s")
        params.append(value)
    if query.text:
        like = "%" + query.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ors = [f"{column(layer, name)}::text ILIKE %s" for name in layer.search_fields]
        parts.append("(" + " OR ".join(ors) + ")")
        params += [like] * len(ors)
    if query.near is not None:
        extra, extra_params = near_sql.where_parts(layer, query.near)
        parts += extra
        params += extra_params
    if query.when is not None:
        for bound, op in zip(query.when, (">=", "<="), strict=True):
            if bound is not None:
                parts.append(f"{column(layer, layer.time_field)} {op} %s")
                params.append(bound)
    if query.when is None and layer.current:  # a snapshot layer: the newest rows only
        parts.append(layer.current_sql("t"))
    if query.cql is not None:  # after the scope, ANDed: a filter narrows, never widens
        parts.append(f"({query.cql[0]})")
        params += query.cql[1]
    return " AND ".join(parts), params


def order_sql(layer: type[Layer], query: ItemQuery) -> str:
    keys = [f"{column(layer, name)} {'DESC' if desc else 'ASC'}" for name, desc in query.sortby]
    if query.near is not None:
        # distance first; alone, so the KNN index can walk in this order (a tie-breaker
        # after it makes PostgreSQL sort every row instead)
        keys.insert(0, near_sql.order_key(layer, query.near))
        if not query.sortby:
            return keys[0]
    keys.append(f"t.{_q(layer.pk_column())}")  # a total order keeps paging stable
    return ", ".join(keys)


def page_sql(layer: type[Layer], query: ItemQuery, offset: int, limit: int) -> tuple[str, list]:
    """One statement returning the page as a JSON array text, its length and NULL."""
    return _page(layer, query, offset, limit, fenced=False)


def filtered_page_sql(layer: type[Layer], query: ItemQuery, offset: int,
                      limit: int) -> tuple[str, list]:
    """The page, its length and the count from one pass over the matching rows.

    For a small bbox the planner likes walking the primary key and filtering, which
    visits total/matched rows per feature returned; fencing the filter in a
    materialised CTE makes the spatial index find the rows once, then a top-N sort
    orders the page and the same rows are counted."""
    return _page(layer, query, offset, limit, fenced=True)


def _page(layer: type[Layer], query: ItemQuery, offset: int, limit: int, *, fenced: bool
          ) -> tuple[str, list]:
    where, params = where_sql(layer, query)
    order = order_sql(layer, query)
    head, rows, count = "", f"{_q(layer.table())} t WHERE {where}", "NULL"
    if fenced:
        head = f"WITH m AS MATERIALIZED (SELECT * FROM {rows}) "
        rows, count = "m t", "(SELECT count(*) FROM m)"
    sql = (
        # the page's length comes with it, so a spliced page (layers.ogc.splice) is not parsed
        f"{head}SELECT coalesce(json_agg({feature_sql(layer, query)} ORDER BY {order}), "
        f"'[]')::text, count(*), {count} FROM (SELECT * FROM {rows} ORDER BY {order} "
        f"LIMIT %s OFFSET %s) t"
    )
    return sql, params + [limit, offset]


def stats_sql(layer: type[Layer]) -> tuple[str, list]:
    """Estimated row count and extent of a layer's table, from planner statistics."""
    geom = layer.geometry_field().column
    return ("SELECT c.reltuples, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM pg_class c, ST_EstimatedExtent(%s, %s) e WHERE c.oid = %s::regclass",
            [layer.table(), geom, _q(layer.table())])


def count_sql(layer: type[Layer], query: ItemQuery) -> tuple[str, list]:
    where, params = where_sql(layer, query)
    return f"SELECT count(*) FROM {_q(layer.table())} t WHERE {where}", params


def item_sql(layer: type[Layer], query: ItemQuery, pk: object) -> tuple[str, list]:
    where, params = where_sql(layer, query)
    sql = (f"SELECT {feature_sql(layer, query)}::text FROM {_q(layer.table())} t "
           f"WHERE t.{_q(layer.pk_column())} = %s AND {where}")
    return sql, [pk] + params


def model_field(layer: type[Layer], name: str) -> Field:
    """The concrete field behind a property (a foreign key stands for its target's key)."""
    f = layer.model._meta.get_field(name)
    return f.target_field if f.is_relation else f
