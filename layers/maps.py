"""Page maps: the small MapLibre GL JS maps of server-rendered pages (a site, a hazard
source, a warning, the location picker, floor-plan placing), ADR 0023's one map stack.

`page_map(...)` returns the `MapParts` a template places: `assets` (the vendored MapLibre
and `layers/page_map.js`, all from our static files) and `html` (the map's <div> whose
`data-map` attribute holds the whole configuration as JSON). The script starts MapLibre on
the caller's own style for the base (`/tiles/style.json` of the base layers and the
divisions' place names, scoped by the session cookie like the tiles) and draws the page's
`Shape`s, `Dot`s, the site marker and `TileOverlay`s (placed floor plans) over it as
inline sources. No inline script, so no nonce; no request leaves the machine.
`site_map(...)` is the page map of one site (enterprise, warning).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from layers.base import FOUR_COLOURS, registry

MAPLIBRE = "vendor/maplibre-gl/maplibre-gl"  # scripts/vendor-js.sh into var/vendor/
SCRIPT = "layers/page_map.js"
NO_LEVEL_COLOUR = "#9E9E9E"
OUTLINE_COLOUR = "#0B3D91"
PLACE_NAMES = "divisions"  # the base map's place names are the divisions' labels
SITE_ZOOM = 15  # a site among its roads and places; the user zooms in for the plant


@dataclass(frozen=True)
class MapParts:
    assets: SafeString
    html: SafeString


@dataclass(frozen=True)
class Shape:
    """A polygon overlay: GeoJSON geometry text, colour and the name shown on it."""

    geojson: str
    colour: str
    tooltip: str


@dataclass(frozen=True)
class Dot:
    lon: float
    lat: float
    colour: str
    tooltip: str


@dataclass(frozen=True)
class TileOverlay:
    """An XYZ raster overlay (a placed floor plan): name and URL template."""

    name: str
    url: str


@dataclass(frozen=True)
class Marker:
    """The page's own point (a site); `picker` names the lon and lat inputs it writes when
    dragged or when the map is clicked (the location picker)."""

    lon: float
    lat: float
    title: str
    picker: tuple[str, str] | None = None


def level_colour(level: int | None) -> str:
    return FOUR_COLOURS.get(level, NO_LEVEL_COLOUR)


def base_style_url() -> str:
    """The caller's style of the base map's layers and the place names. Relative: the
    browser resolves it on the page's own origin, so its session cookie goes along."""
    ids = [layer.id for layer in registry.all() if layer.base] + [PLACE_NAMES]
    return "/tiles/style.json?" + urlencode({"layers": ",".join(ids)})


def assets() -> SafeString:
    """MapLibre's stylesheet and script and the page-map script (for templates whose map
    div is built by a script, such as floor-plan placing)."""
    return format_html('<link rel="stylesheet" href="{}">\n<script src="{}"></script>\n'
                       '<script src="{}"></script>', static(MAPLIBRE + ".css"),
                       static(MAPLIBRE + ".js"), static(SCRIPT))


def page_map(*, element_id: str, shapes: Sequence[Shape] = (), dots: Sequence[Dot] = (),
             outlines: Sequence[str] = (),
             marker: Marker | None = None, overlays: Sequence[TileOverlay] = (),
             bounds: list[float] | None = None, center: tuple[float, float] | None = None,
             zoom: float = SITE_ZOOM, base: bool = True, height: int = 320) -> MapParts:
    """One page map: opened on `bounds` [west, south, east, north] if given, else on
    `center` at `zoom`; `outlines` are GeoJSON geometries drawn as a thin line only (a
    division, for orientation); `base=False` draws no base map (a picture in its frame)."""
    config = {"style": base_style_url() if base else None,
              "fonts": [font.strip() for font in settings.MAP_FONTS],
              "features": _features(shapes, dots, outlines, marker), "overlays": [
                  {"name": o.name, "tiles": o.url} for o in overlays],
              "marker": None if marker is None else {
                  "lon": marker.lon, "lat": marker.lat, "title": marker.title,
                  "picker": list(marker.picker) if marker.picker else None},
              "bounds": bounds, "center": list(center) if center else None, "zoom": zoom}
    html = format_html('<div id="{}" class="page-map" style="height: {}px" data-map="{}"></div>',
                       element_id, height, json.dumps(config, ensure_ascii=False))
    return MapParts(assets=assets(), html=html)


def _features(shapes: Sequence[Shape], dots: Sequence[Dot], outlines: Sequence[str],
              marker: Marker | None) -> dict:
    """One GeoJSON collection: `kind` says how page_map.js draws each, `name` labels it
    (a fixed marker is named too; the picker's moves, so its name is its tooltip only)."""
    features = [{"type": "Feature", "geometry": json.loads(geojson), "properties": {
        "kind": "outline", "colour": OUTLINE_COLOUR, "name": ""}} for geojson in outlines]
    features += [{"type": "Feature", "geometry": json.loads(s.geojson), "properties": {
        "kind": "shape", "colour": s.colour, "name": s.tooltip}} for s in shapes]
    features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [d.lon, d.lat]},
                  "properties": {"kind": "dot", "colour": d.colour, "name": d.tooltip}}
                 for d in dots]
    if marker is not None and marker.picker is None:
        features.append({"type": "Feature", "geometry": {
            "type": "Point", "coordinates": [marker.lon, marker.lat]}, "properties": {
            "kind": "site", "colour": OUTLINE_COLOUR, "name": marker.title}})
    return {"type": "FeatureCollection", "features": features}


def points_bounds(points: list[tuple[float, float]]) -> list[float] | None:
    """[west, south, east, north] around several points; None for one (open at a zoom)."""
    if len(set(points)) < 2:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def site_map(*, lon: float, lat: float, title: str, shapes: list[Shape], dots: list[Dot],
             tile_overlays: list[TileOverlay], element_id: str = "site-map",
             height: int = 320) -> MapParts:
    """The site marker over tile overlays (floor plans), shapes (hazard outlines) and dots
    (nearby resources, sensors), opened to fit the marker and the dots."""
    return page_map(element_id=element_id, shapes=shapes, dots=dots,
                    marker=Marker(lon, lat, title), overlays=tile_overlays,
                    bounds=points_bounds([(lon, lat), *((d.lon, d.lat) for d in dots)]),
                    center=(lon, lat), height=height)

