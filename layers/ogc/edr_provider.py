"""pygeoapi EDR providers for the registered EDR collections (`layers.ogc.edr`).

`EDRProvider` is pygeoapi's `BaseEDRProvider`: pygeoapi's EDR API function parses
`coords` (WKT), `parameter-name` and `limit`, and calls `position`, `area` or
`locations`; here the rest is checked (geometry kind, coordinates, `datetime`, each
parameter name: 400 naming the parameter), the source is asked under the caller's scope
(`layers.ogc.context`, fail closed) and the answer encoded. `EDRItemsProvider` serves
`/items`: the features of the collection's items layer (the one `LayerProvider`), cut by
`parameter-name` and `datetime` through the source's condition.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pygeoapi.provider.base import ProviderInvalidQueryError, ProviderItemNotFoundError
from pygeoapi.provider.base_edr import BaseEDRProvider
from shapely.geometry.base import BaseGeometry

from layers.ogc import edr
from layers.ogc.context import current_scope
from layers.ogc.provider import LayerProvider

_WORLD = (-180.0, -90.0, 180.0, 90.0)


def _bad(message: str) -> ProviderInvalidQueryError:
    return ProviderInvalidQueryError(user_msg=message)


def time_window(raw: str | None) -> tuple[datetime | None, datetime | None] | None:
    """`datetime=` as (start, end), None for an open end; None when not given.
    An instant is a window of one instant; 400 naming `datetime` otherwise."""
    if raw is None or raw == "":
        return None
    parts = raw.split("/")
    if len(parts) > 2:
        raise _bad(f"datetime: {raw!r} is not an instant or an interval")
    bounds = [_instant(part) for part in parts]
    start, end = bounds if len(bounds) == 2 else (bounds[0], bounds[0])
    if start is None and len(parts) == 1:
        raise _bad("datetime: empty")
    if start is not None and end is not None and start > end:
        raise _bad(f"datetime: {raw!r} ends before it starts")
    return start, end


def _instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _bad(f"datetime: {text!r} is not an RFC 3339 date-time") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def checked_names(names: list | None, known: list[str]) -> list[str]:
    """`parameter-name`'s names (blanks dropped); 400 naming any the collection lacks."""
    names = [n.strip() for n in names or [] if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise _bad(f"parameter-name: {', '.join(map(repr, unknown))} not among "
                   f"{', '.join(known)}")
    return names


class EDRProvider(BaseEDRProvider):
    """Position, area and location queries of one registered EDR collection."""

    def __init__(self, provider_def: dict):
        super().__init__(provider_def)
        self.source = edr.edr_source(self.data)
        self.by_id = {p.id: p for p in self.source.parameters()}

    def get_fields(self) -> dict:
        # pygeoapi advertises these as the collection's `parameter_names`
        return {p.id: {"type": "number", "title": str(p.title), "x-ogc-unit": p.unit}
                for p in self.by_id.values()}

    def position(self, *, wkt: BaseGeometry, **kwargs) -> dict:
        if wkt.geom_type != "Point":
            raise _bad(f"coords: a position query takes POINT(lon lat), not {wkt.geom_type}")
        _inside_world(wkt)
        return self._answer(edr.Where("position", x=wkt.x, y=wkt.y), **kwargs)

    def area(self, *, wkt: BaseGeometry, **kwargs) -> dict:
        if wkt.geom_type not in ("Polygon", "MultiPolygon"):
            raise _bad(f"coords: an area query takes POLYGON((...)), not {wkt.geom_type}")
        if wkt.is_empty or not wkt.is_valid:
            raise _bad("coords: the polygon is empty or crosses itself")
        _inside_world(wkt)
        return self._answer(edr.Where("area", wkt=wkt.wkt), **kwargs)

    def locations(self, *, location_id: str | None = None, **kwargs) -> dict:
        if location_id is None:
            raise _bad("locations: name one location, /locations/{id}")
        # outside the scope looks the same as missing
        if not self.source.location_exists(scope=current_scope(), location_id=location_id):
            raise ProviderItemNotFoundError(user_msg="location not found")
        return self._answer(edr.Where("location", location_id=location_id), **kwargs)

    def items(self, **kwargs):
        """Routed by pygeoapi to the collection's feature provider (EDRItemsProvider)."""

    def _answer(self, where: edr.Where, *, datetime_: str | None = None,
                select_properties: list | None = None, limit: int = 1000,
                **kwargs) -> dict:
        names = self.parameter_names(select_properties)
        window = time_window(datetime_) or (None, None)
        if datetime_ and window == (None, None):  # `../..`: everything up to now
            window = (None, datetime.now(UTC))
        series = self.source.series(scope=current_scope(), where=where, start=window[0],
                                    end=window[1], parameters=names, limit=limit)
        if edr.current_encoding() == edr.GEOJSON:
            return edr.geo_json(series)
        return edr.coverage_json(series, self.by_id)

    def parameter_names(self, names: list | None) -> list[str]:
        return checked_names(names, list(self.by_id))

    def __repr__(self) -> str:
        return f"<EDRProvider> {self.data}"


def _inside_world(geometry: BaseGeometry) -> None:
    if geometry.is_empty:
        raise _bad("coords: the geometry is empty")
    x0, y0, x1, y1 = geometry.bounds
    # written so that NaN fails too
    if not (_WORLD[0] <= x0 and _WORLD[1] <= y0 and x1 <= _WORLD[2] and y1 <= _WORLD[3]):
        raise _bad("coords: longitude must be within ±180 and latitude within ±90")


class EDRItemsProvider(LayerProvider):
    """`/collections/{edr id}/items`: the items layer's features (scoped as that layer's
    own collection), those with data of the named parameters in the `datetime` window."""

    def __init__(self, provider_def: dict):
        self.collection = provider_def["data"]
        self.source = edr.edr_source(self.collection)
        super().__init__({**provider_def,
                          "data": edr.edr_collection(self.collection).items_layer})

    def query(self, *, properties: list | None = None, datetime_: str | None = None,
              filterq=None, **kwargs) -> dict:
        extra = dict(properties or [])
        names = checked_names((extra.pop("parameter-name", "") or "").split(","),
                              [p.id for p in self.source.parameters()])
        window = time_window(datetime_) or (None, None)
        if filterq is not None:
            raise _bad("filter: not offered on this collection's items")
        self._condition = None
        if names or datetime_:
            self._condition = self.source.items_condition(alias="t", start=window[0],
                                                          end=window[1], parameters=names)
        return super().query(properties=list(extra.items()), **kwargs)

    def condition(self, filterq) -> tuple[str, list] | None:
        return self._condition

    def __repr__(self) -> str:
        return f"<EDRItemsProvider> {self.collection}"
