"""The small map of one hazard source: folium with the vendored Leaflet only (no CDN)."""

from __future__ import annotations

import json

import folium

from layers.maps import LocalMap, level_colour, map_document
from registry.hazards.models import HazardSource


def source_map_html(source: HazardSource, *, nonce: str) -> str:
    """A whole HTML document (for an iframe `srcdoc`) showing the unit and its enterprise;
    `nonce` is the page's CSP nonce, which the frame inherits.

    No base tiles: the tile servers we could use are outside the machine; the polygon and
    the enterprise point carry the information.
    """
    fmap = LocalMap(tiles=None, control_scale=True, zoom_control=True, prefer_canvas=False)
    colour = level_colour(source.level)
    folium.GeoJson(json.loads(source.geom.geojson), name=source.name,
                   style_function=lambda _f: {"color": colour, "weight": 2,
                                              "fillOpacity": 0.35},
                   tooltip=source.name).add_to(fmap)
    point = source.enterprise.geom
    folium.CircleMarker([point.y, point.x], radius=5, color="#0b3d91", fill=True,
                        tooltip=source.enterprise.name).add_to(fmap)
    xmin, ymin, xmax, ymax = source.geom.extent
    fmap.fit_bounds([[min(ymin, point.y), min(xmin, point.x)],
                     [max(ymax, point.y), max(xmax, point.x)]], padding=(20, 20))
    return map_document(fmap, nonce=nonce)
