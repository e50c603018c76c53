"""Nearest features of any layers: KNN on the geography GiST index for point layers,
distance to the shape (0 inside) for polygon and line layers, scoped per layer; the
nearest emergency resources to one enterprise with their positions (its one-enterprise
file section)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from geo.scope import Scope
from layers.base import Layer, registry
from layers.ogc.near import Near
from registry.enterprises.models import Enterprise

# The emergency resource layers (the nearest API's default, the enterprise file's section).
RESOURCE_LAYERS = ["emergency_organisations", "rescue_teams", "experts", "warehouses",
                   "medical_facilities", "shelters", "fire_stations"]

# Matches the expression of the `<model>_geog` index in registry.resource_models.
_GEOG = 'CAST(t."{col}" AS geography(Point,4326))'
# Any other geometry: the sphere distance to its nearest part, 0 inside a polygon. No
# geography index exists for these, so a radius also fences by the geometry index.
_SHAPE = 'CAST(t."{col}" AS geography)'
_POINT = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography(Point,4326)"


@dataclass(frozen=True)
class Nearby:
    layer: str
    id: int | str  # a division's key is its code
    name: str
    distance_m: float


def resources_nearest(layers: list[type[Layer]], point: tuple[float, float], *, n: int,
                      radius_m: float | None = None, scope: Scope) -> list[Nearby]:
    """The `n` nearest rows over `layers` that `scope` may read, nearest first.

    Each layer contributes its own KNN top-n (index-ordered by sphere distance for
    points); the union is re-ranked by exact spheroid distance in metres.
    """
    parts, params = [], []
    for layer in layers:
        if not layer.visible_to(scope):
            continue
        sql, args = _layer_knn(layer, point, n=n, radius_m=radius_m, scope=scope)
        parts.append(f"({sql})")
        params += args
    if not parts:
        return []
    sql = (f"SELECT * FROM ({' UNION ALL '.join(parts)}) nearby "
           "ORDER BY distance_m, layer, id LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, n])
        return [Nearby(layer, _key(layer, key), name, distance)
                for layer, key, name, distance in cursor.fetchall()]


def _key(layer_id: str, key: str) -> int | str:
    """Keys travel as text so that layers keyed by codes join the union."""
    field = registry.get(layer_id).model._meta.pk
    return field.to_python(key)


def _layer_knn(layer: type[Layer], point: tuple[float, float], *, n: int,
               radius_m: float | None, scope: Scope) -> tuple[str, list]:
    column = layer.geometry_field().column
    points = layer.geometry_type() == "Point"
    geog = (_GEOG if points else _SHAPE).format(col=column)
    where, params = layer.scope_sql(scope, "t")
    lon, lat = point
    conditions = [where]
    if radius_m is not None:
        if not points:
            conditions.append(f't."{column}" && ST_MakeEnvelope(%s, %s, %s, %s, 4326)')
            params = [*params, *Near(lon, lat, radius_m).box()]
        conditions.append(f"ST_DWithin({geog}, {_POINT}, %s)")
        params = [*params, lon, lat, radius_m]
    sql = (
        f'SELECT %s::text AS layer, t."{layer.pk_column()}"::text AS id, '
        f't."{layer.column(layer.label or "name")}"::text AS name, '
        f"ST_Distance({geog}, {_POINT}) AS distance_m "
        f'FROM "{layer.table()}" t WHERE {" AND ".join(conditions)} '
        f"ORDER BY {geog} <-> {_POINT} LIMIT %s"
    )
    return sql, [layer.id, lon, lat, *params, lon, lat, n]


@dataclass(frozen=True)
class NearbyResource:
    layer: type[Layer]
    id: int
    name: str
    distance_m: float
    lon: float
    lat: float


def enterprise_nearby_resources(*, scope: Scope, enterprise: Enterprise,
                                n: int = 5) -> list[NearbyResource]:
    """The `n` nearest emergency resources the caller may see, with their positions:
    the KNN selector, then ONE query for the winners' coordinates."""
    layers = [registry.get(layer_id) for layer_id in RESOURCE_LAYERS]
    nearby = resources_nearest(layers, (enterprise.geom.x, enterprise.geom.y), n=n,
                               scope=scope)
    points = _resource_points(nearby, scope)
    return [NearbyResource(registry.get(r.layer), r.id, r.name, r.distance_m,
                           *points[(r.layer, r.id)])
            for r in nearby if (r.layer, r.id) in points]


def _resource_points(nearby: list[Nearby], scope: Scope) -> dict[tuple[str, int], tuple]:
    ids: dict[str, list[int]] = {}
    for row in nearby:
        ids.setdefault(row.layer, []).append(row.id)
    parts, params = [], []
    for layer_id, pks in ids.items():
        layer = registry.get(layer_id)
        where, args = layer.scope_sql(scope, "t")
        geom = layer.geometry_field().column
        parts.append(f'SELECT %s::text, t."{layer.pk_column()}", ST_X(t."{geom}"), '
                     f'ST_Y(t."{geom}") FROM "{layer.table()}" t '
                     f'WHERE t."{layer.pk_column()}" = ANY(%s) AND {where}')
        params += [layer_id, pks, *args]
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {(layer_id, pk): (x, y) for layer_id, pk, x, y in cursor.fetchall()}
