"""Folium maps of layer features that load only the vendored Leaflet: no CDN, no base-map
tiles, so a page with a map makes no request that leaves the machine.

`LocalMap` is the one folium map class (the enterprise site map, the hazard source map).
`site_map(...)` draws a site with its `Shape`s, `Dot`s and `TileOverlay`s and returns the
three pieces a Django template places: the asset links (for <head>), the map <div> and its
<script> (the template gives it the request's CSP nonce). `map_document(m, nonce=)` is a
whole page of one map, for an iframe's `srcdoc`, whose one inline script carries `nonce`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from layers.base import FOUR_COLOURS

LEAFLET = "vendor/leaflet-1.9.4/"
NO_LEVEL_COLOUR = "#9E9E9E"


class LocalMap(folium.Map):
    """folium.Map without jQuery, Bootstrap and awesome-markers, Leaflet from our static
    (the one folium map class: the enterprise site map and the hazard source map)."""

    default_js = [("leaflet", static(LEAFLET + "leaflet.js"))]
    default_css = [("leaflet_css", static(LEAFLET + "leaflet.css"))]


@dataclass(frozen=True)
class MapParts:
    assets: SafeString
    html: SafeString
    script: SafeString


@dataclass(frozen=True)
class Shape:
    """A polygon overlay: GeoJSON geometry text, colour and tooltip."""

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


def _text(value: str) -> str:
    """Tooltip text for folium, which pastes it into a JS template literal unescaped."""
    return escape(value).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def level_colour(level: int | None) -> str:
    return FOUR_COLOURS.get(level, NO_LEVEL_COLOUR)


def site_map(*, lon: float, lat: float, title: str, shapes: list[Shape], dots: list[Dot],
             tile_overlays: list[TileOverlay]) -> MapParts:
    """The site marker over tile overlays (floor plans), shapes (hazard outlines) and dots
    (nearby resources), zoomed to fit the marker and the dots."""
    m = LocalMap(location=[lat, lon], zoom_start=16, tiles=None, control_scale=True)
    for overlay in tile_overlays:
        name = _text(overlay.name)
        folium.TileLayer(tiles=overlay.url, attr=name, name=name, overlay=True,
                         max_zoom=22, max_native_zoom=22).add_to(m)
    for shape in shapes:
        style = {"color": shape.colour, "fillColor": shape.colour, "weight": 2,
                 "fillOpacity": 0.35}
        folium.GeoJson(json.loads(shape.geojson), style_function=lambda _f, s=style: s,
                       tooltip=_text(shape.tooltip)).add_to(m)
    for dot in dots:
        folium.CircleMarker([dot.lat, dot.lon], radius=7, color=dot.colour, fill=True,
                            fill_opacity=0.9, tooltip=_text(dot.tooltip)).add_to(m)
    folium.Marker([lat, lon], tooltip=_text(title)).add_to(m)
    points = [[lat, lon], *([d.lat, d.lon] for d in dots)]
    if len(points) > 1:
        m.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                      [max(p[0] for p in points), max(p[1] for p in points)]],
                     padding=(24, 24), max_zoom=17)
    return _parts(m)


_DOCUMENT = """<!doctype html>
<html><head><meta charset="utf-8">
{assets}
<style>html, body, .folium-map {{ width: 100%; height: 100%; margin: 0; }}</style>
</head><body>
{html}
<script nonce="{nonce}">{script}</script>
</body></html>"""


def map_document(m: folium.Map, *, nonce: str) -> str:
    """One map as a whole HTML document. Built from the map's parts rather than folium's
    own page, whose inline scripts carry no nonce and so would not run under the site's
    Content-Security-Policy (a `srcdoc` frame inherits it)."""
    parts = _parts(m)
    return _DOCUMENT.format(assets=parts.assets, html=parts.html, script=parts.script,
                            nonce=escape(str(nonce)))


def _parts(m: folium.Map) -> MapParts:
    figure = m.get_root()
    figure.render()
    links = [child for child in figure.header._children.values()
             if isinstance(child, (JavascriptLink, CssLink))]
    for link in links:
        # A folium plugin brings its own CDN links; refuse rather than leak a request.
        if not link.url.startswith(settings.STATIC_URL):
            raise ValueError(f"folium asset outside static files: {link.url}")
    return MapParts(assets=mark_safe("\n".join(link.render() for link in links)),
                    html=mark_safe(figure.html.render()),
                    script=mark_safe(figure.script.render()))
