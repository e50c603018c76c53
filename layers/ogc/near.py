"""Vendor query parameters for point collections: `near=lon,lat` (features sorted by
distance, nearest first, each with `distance_m`) and `radius=metres` (only those within).

Distances are on the sphere, as the geography KNN operator `<->` orders them, so a layer
with a GiST index on `CAST(geom AS geography(Point,4326))` (the emergency resources) is
walked nearest-first by the index; `radius` also fences the search with a box on the
plain geometry index every layer has. Works for any registered point layer."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pygeoapi.provider.base import ProviderInvalidQueryError

from layers.base import Layer

PARAMETERS = ("near", "radius")
MAX_RADIUS_M = 1_000_000.0
_DEGREE_M = 110_000.0  # a little under the shortest degree of latitude: the box errs wide


@dataclass(frozen=True)
class Near:
    lon: float
    lat: float
    radius_m: float | None = None

    def point_sql(self) -> str:
        # validated finite floats, so inlining them is safe and keeps ORDER BY param-free
        return (f"ST_SetSRID(ST_MakePoint({self.lon!r}, {self.lat!r}), 4326)"
                "::geography(Point,4326)")

    def box(self) -> tuple[float, float, float, float]:
        """A lon/lat box holding every point within the radius (wider, never narrower)."""
        return expanded_box((self.lon, self.lat, self.lon, self.lat), self.radius_m)


def expanded_box(bounds: tuple[float, float, float, float], metres: float
                 ) -> tuple[float, float, float, float]:
    """A lon/lat box holding every point within `metres` of the box `bounds` (wider,
    never narrower): the fence that lets the geometry index serve distance tests."""
    x0, y0, x1, y1 = bounds
    dlat = metres / _DEGREE_M
    top = min(max(abs(y0), abs(y1)) + dlat, 90.0)
    cos_top = math.cos(math.radians(top))
    if cos_top < 1e-6 or metres / (_DEGREE_M * cos_top) >= 180.0:
        return (-180.0, max(y0 - dlat, -90.0), 180.0, min(y1 + dlat, 90.0))
    dlon = metres / (_DEGREE_M * cos_top)
    return (x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat)


def near_from_params(layer: type[Layer], params: dict[str, str]) -> Near | None:
    """`near`/`radius` from the query, or None when absent; bad values are a 400 that
    names the parameter."""
    near, radius = params.get("near"), params.get("radius")
    if near is None:
        if radius is not None:
            _invalid("radius: requires near=lon,lat")
        return None
    if layer.geometry_type() != "Point":
        _invalid(f"near: only point collections can be sorted by distance ({layer.id} "
                 f"holds {layer.geometry_type()} features)")
    try:
        lon, lat = (float(part) for part in near.split(","))
    except ValueError:
        _invalid(f"near: {near!r} is not lon,lat")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        _invalid(f"near: {near!r} is outside -180..180, -90..90")
    radius_m = None
    if radius is not None:
        try:
            radius_m = float(radius)
        except ValueError:
            _invalid(f"radius: {radius!r} is not a number of metres")
        if not 0 < radius_m <= MAX_RADIUS_M:
            _invalid(f"radius: must be more than 0 and at most {MAX_RADIUS_M:.0f} metres")
    return Near(lon, lat, radius_m)


def _invalid(message: str):
    raise ProviderInvalidQueryError(user_msg=message)


def geography_sql(layer: type[Layer]) -> str:
    """The expression of the `<model>_geog` index where a layer has one."""
    return f'CAST(t."{layer.geometry_field().column}" AS geography(Point,4326))'


def where_parts(layer: type[Layer], near: Near) -> tuple[list[str], list]:
    if near.radius_m is None:
        return [], []
    geom = f't."{layer.geometry_field().column}"'
    return ([f"{geom} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
             f"ST_DWithin({geography_sql(layer)}, {near.point_sql()}, %s, false)"],
            [*near.box(), near.radius_m])


def order_key(layer: type[Layer], near: Near) -> str:
    return f"{geography_sql(layer)} <-> {near.point_sql()}"


def distance_sql(layer: type[Layer], near: Near) -> str:
    """Metres on the sphere, to the centimetre, as the order has them."""
    return f"round(ST_Distance({geography_sql(layer)}, {near.point_sql()}, false)::numeric, 2)"


def openapi_parameters() -> list[dict]:
    """The two parameters as OpenAPI 3.0 query parameters (added to point collections)."""
    return [
        {"name": "near", "in": "query", "required": False, "style": "form", "explode": False,
         "description": "Vendor parameter: lon,lat (WGS 84). Features come nearest first, "
                        "each with a `distance_m` property (metres on the sphere).",
         "schema": {"type": "array", "minItems": 2, "maxItems": 2,
                    "items": {"type": "number"}}},
        {"name": "radius", "in": "query", "required": False,
         "description": "Vendor parameter, with `near`: only features within this many "
                        "metres.",
         "schema": {"type": "number", "exclusiveMinimum": True, "minimum": 0,
                    "maximum": MAX_RADIUS_M}},
    ]
