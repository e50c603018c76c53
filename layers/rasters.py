"""Raster tile sources: the hook through which a domain app (registry's floor plans) hands
`tiles` pictures to serve without `tiles` importing it. A source is registered by dotted
path (loaded on first use, so registering at import time pulls in nothing heavy) and
answers, for one item and the caller's scope, what to draw and how."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from geo.scope import Scope

_HALF_WORLD = 20037508.342789244
Bounds = tuple[float, float, float, float]  # EPSG:3857 minx, miny, maxx, maxy


@dataclass(frozen=True)
class RasterItem:
    version: int                   # changes whenever the picture changes (the cache key)
    extent: Bounds | None          # EPSG:3857 box of the picture; None: nothing placed yet
    render: Callable[[Bounds], bytes]  # a 256×256 PNG of the picture over these bounds
    # who else may be served the same tiles: "any" for a picture that is the same for all who
    # may see the item (a floor plan), the caller's `Scope.key` for one drawn from their rows
    scope_key: str = "any"


class RasterSource(Protocol):
    def item(self, *, scope: Scope, item_id: int) -> RasterItem | None:
        """The item if the scope may see it, else None."""


_sources: dict[str, str | RasterSource] = {}


def register_raster_source(source_id: str, dotted_path: str) -> None:
    """`dotted_path` names a class whose instances are `RasterSource`s."""
    _sources[source_id] = dotted_path


def raster_source(source_id: str) -> RasterSource | None:
    source = _sources.get(source_id)
    if isinstance(source, str):
        module, _dot, name = source.rpartition(".")
        source = _sources[source_id] = getattr(import_module(module), name)()
    return source


def tile_bounds(z: int, x: int, y: int) -> Bounds:
    """EPSG:3857 bounds of an XYZ tile."""
    size = 2 * _HALF_WORLD / (2 ** z)
    return (-_HALF_WORLD + x * size, _HALF_WORLD - (y + 1) * size,
            -_HALF_WORLD + (x + 1) * size, _HALF_WORLD - y * size)


def intersects(a: Bounds | list, b: Bounds | list) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
