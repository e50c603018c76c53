"""OGC API – EDR collections: the hook through which a domain app (monitoring's readings)
hands the OGC API time series without `layers` importing it, and their two encodings.

A collection is registered with the dotted path of its source (loaded on first use) and
the layer whose features are its items (`/collections/{id}/items`: the sensors). The
source answers, for the caller's scope, which places a query selects and their series;
`layers.ogc.edr_provider` turns a request into those calls and the answer into
CoverageJSON (the default) or GeoJSON (`f=geojson`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import Protocol

from geo.scope import Scope

GEOJSON = "geojson"  # `f=` of the GeoJSON encoding (pygeoapi's `json` is CoverageJSON here)
COVERAGEJSON_TYPE = "application/prs.coverage+json"
GEOJSON_TYPE = "application/geo+json"
_CRS = {"coordinates": ["x", "y"],
        "system": {"type": "GeographicCRS",
                   "id": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
_TRS = {"coordinates": ["t"], "system": {"type": "TemporalRS", "calendar": "Gregorian"}}


@dataclass(frozen=True)
class Parameter:
    """One measured quantity a collection offers (`parameter-name`)."""

    id: str
    title: str   # a lazy translation
    unit: str    # the usual unit symbol; each series says its own


@dataclass(frozen=True)
class Where:
    """Which places a query selects: `kind` position (x, y within `tolerance_m`), area
    (`wkt`, a polygon), or location (`location_id`)."""

    kind: str
    x: float | None = None
    y: float | None = None
    wkt: str | None = None
    location_id: str | None = None


@dataclass
class Series:
    """The values of one parameter at one place (a sensor), oldest first."""

    id: str
    x: float
    y: float
    parameter: str
    unit: str
    step: str                      # where the values come from: raw, minute, hour
    times: list[datetime] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    properties: dict = field(default_factory=dict)


class EDRSource(Protocol):
    def parameters(self) -> list[Parameter]:
        """Every parameter of the collection."""

    def series(self, *, scope: Scope, where: Where, start: datetime | None,
               end: datetime | None, parameters: list[str], limit: int) -> list[Series]:
        """The series the scope may see at the selected places; open ends None."""

    def location_exists(self, *, scope: Scope, location_id: str) -> bool:
        """Whether the scope may see this place (else it is answered as missing)."""

    def items_condition(self, *, alias: str, start: datetime | None, end: datetime | None,
                        parameters: list[str]) -> tuple[str, list]:
        """SQL condition on the items layer's table `alias`: places with such data."""


@dataclass(frozen=True)
class EDRCollection:
    id: str
    title: str
    description: str
    source: str        # dotted path of an EDRSource class
    items_layer: str   # the layer whose features are the collection's items


_collections: dict[str, EDRCollection] = {}
_sources: dict[str, EDRSource] = {}


def register_edr_collection(collection: EDRCollection) -> None:
    _collections[collection.id] = collection


def edr_collections() -> list[EDRCollection]:
    return list(_collections.values())


def edr_collection(collection_id: str) -> EDRCollection | None:
    return _collections.get(collection_id)


def edr_source(collection_id: str) -> EDRSource:
    source = _sources.get(collection_id)
    if source is None:
        module, _dot, name = _collections[collection_id].source.rpartition(".")
        source = _sources[collection_id] = getattr(import_module(module), name)()
    return source


def coverage_json(series: list[Series], parameters: dict[str, Parameter]) -> dict:
    """A CoverageCollection of PointSeries, one coverage per series (CoverageJSON 1.0)."""
    used = {s.parameter for s in series}
    return {
        "type": "CoverageCollection", "domainType": "PointSeries",
        "parameters": {p: _parameter(parameters[p], parameters[p].unit) for p in sorted(used)},
        "referencing": [_CRS, _TRS],
        "coverages": [_coverage(s, parameters[s.parameter]) for s in series],
    }


def _coverage(s: Series, parameter: Parameter) -> dict:
    return {
        "type": "Coverage", "id": s.id,
        "domain": {"type": "Domain", "domainType": "PointSeries",
                   "axes": {"x": {"values": [s.x]}, "y": {"values": [s.y]},
                            "t": {"values": [_iso(t) for t in s.times]}},
                   "referencing": [_CRS, _TRS]},
        "parameters": {s.parameter: _parameter(parameter, s.unit)},
        "ranges": {s.parameter: {"type": "NdArray", "dataType": "float", "axisNames": ["t"],
                                 "shape": [len(s.values)], "values": s.values}},
        "step": s.step, **s.properties,
    }


def _parameter(parameter: Parameter, unit: str) -> dict:
    return {"type": "Parameter",
            "observedProperty": {"id": parameter.id, "label": {"en": str(parameter.title)}},
            "unit": {"symbol": unit or parameter.unit}}


def geo_json(series: list[Series]) -> dict:
    """A FeatureCollection, one point feature per series with its times and values."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": s.id,
        "geometry": {"type": "Point", "coordinates": [s.x, s.y]},
        "properties": {**s.properties, "parameter": s.parameter, "unit": s.unit,
                       "step": s.step, "times": [_iso(t) for t in s.times],
                       "values": s.values},
    } for s in series]}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


_encoding: ContextVar[str] = ContextVar("edr_encoding", default="json")


def current_encoding() -> str:
    """`geojson` or `json` (CoverageJSON): what the EDR view was asked for."""
    return _encoding.get()


@contextmanager
def encoding_bound(encoding: str) -> Iterator[None]:
    token = _encoding.set(encoding)
    try:
        yield
    finally:
        _encoding.reset(token)
