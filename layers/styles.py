"""MapLibre styles (style spec v8) derived from Layer declarations.

Works offline: a plain background, labels drawn from the browser's local fonts
(`settings.MAP_FONTS`; MapLibre GL JS ≥ 5.11 does so when the style names no glyphs
server, and CJK ideographs always come from `localIdeographFontFamily`) unless
`settings.MAP_GLYPHS_URL` names a glyphs server, no sprites, and `settings.BASEMAP_URL`
(a raster XYZ template, e.g. Tianditu with a key) adds a basemap below the vector layers.
Used by `/tiles/style.json`, the Dash maps and any MapLibre or QGIS client.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from geo.scope import Scope
from layers.base import DETAIL_ZOOM, Layer, registry

BACKGROUND = "#F4F3EF"
_DRAW_ORDER = {"Polygon": 0, "LineString": 1, "Point": 2}  # points on top


def style_layers(layer: type[Layer]) -> list[dict]:
    """The style layers of one declaration: circle for points, fill + line for
    polygons, line for lines, plus a symbol layer for its labels."""
    colour = layer.colour_by.expression()
    kind = layer.geometry_type()
    common = {"source": layer.id, "source-layer": layer.id, "minzoom": layer.zoom[0],
              # style maxzoom is exclusive; the declaration's is inclusive
              "maxzoom": min(layer.zoom[1] + 1, 24),
              "metadata": {"safeatlas:layer": layer.id, "safeatlas:title": str(layer.title)}}
    if kind == "Point":
        out = [{"id": f"{layer.id}-circle", "type": "circle", **common, "paint": {
            "circle-color": colour,
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 2.5, 12, 5, 16, 8],
            "circle-stroke-color": "#FFFFFF", "circle-stroke-width": 0.8}}]
    elif kind == "Polygon":
        out = [{"id": f"{layer.id}-fill", "type": "fill", **common,
                "paint": {"fill-color": colour, "fill-opacity": layer.fill_opacity}},
               {"id": f"{layer.id}-line", "type": "line", **common,
                "paint": {"line-color": colour,
                          "line-width": _line_width(layer, 0.5 if layer.base else 1.2)}}]
    else:
        out = [{"id": f"{layer.id}-line", "type": "line", **common,
                "paint": {"line-color": colour, "line-width": _line_width(layer, 2)}}]
    if layer.label:
        out.append(_label_layer(layer, common))
    return out


def _line_width(layer: type[Layer], default: float) -> float | list:
    if not layer.width_by:
        return default
    prop, widths = layer.width_by
    return ["match", ["get", prop], *[x for pair in widths.items() for x in pair], default]


def _label_layer(layer: type[Layer], common: dict) -> dict:
    kind = layer.geometry_type()
    layout = {"text-field": _label_text(layer), "text-font": list(settings.MAP_FONTS),
              "text-size": 12, "symbol-placement": "line" if kind == "LineString" else "point"}
    if kind == "Point":  # below the dot; a polygon's name sits inside it
        layout |= {"text-offset": [0, 0.8], "text-anchor": "top"}
    else:  # a place name: larger, and readable over anything drawn below it
        layout |= {"text-size": 15, "text-max-width": 8}
    minzoom = layer.zoom[0] if layer.label_bands else max(layer.zoom[0], DETAIL_ZOOM)
    if layer.label_points():  # one point per polygon, in the tile that holds it
        common = {**common, "source-layer": layer.label_points()}
    return {"id": f"{layer.id}-label", "type": "symbol", **common, "minzoom": minzoom,
            "layout": layout,
            "paint": {"text-color": "#1F2933", "text-halo-color": "#FFFFFF",
                      "text-halo-width": 1.2 if kind == "Point" else 2}}


def _label_text(layer: type[Layer]) -> list:
    """["get", label], or by zoom band the label of the features in that band only."""
    if not layer.label_bands:
        return ["get", layer.label]
    prop, bands = layer.label_bands
    step: list = ["step", ["zoom"]]
    for i, (zoom, value) in enumerate(bands):
        if i:
            step.append(zoom)
        step.append(["match", ["get", prop], value, ["get", layer.label], ""])
    return step


def style_document(scope: Scope, base_url: str, token: str | None = None,
                   layer_ids: list[str] | None = None) -> dict:
    """The whole style: background, optional basemap, then one vector source (pointing
    at the layer's TileJSON) and its style layers per layer the caller can see."""
    base_url = base_url.rstrip("/")
    chosen = [layer for layer in registry.all() if layer.visible_to(scope)
              and (layer_ids is None or layer.id in layer_ids)]
    chosen.sort(key=lambda layer: (not layer.base, _DRAW_ORDER[layer.geometry_type()]))
    glyphs = getattr(settings, "MAP_GLYPHS_URL", "")
    query = "?" + urlencode({"token": token}) if token else ""
    sources: dict = {}
    layers: list[dict] = [{"id": "background", "type": "background",
                           "paint": {"background-color": BACKGROUND}}]
    if settings.BASEMAP_URL:
        sources["basemap"] = {"type": "raster", "tiles": [settings.BASEMAP_URL],
                              "tileSize": 256, "attribution": settings.BASEMAP_ATTRIBUTION}
        layers.append({"id": "basemap", "type": "raster", "source": "basemap"})
    for layer in chosen:
        sources[layer.id] = {"type": "vector", "url": f"{base_url}/tiles/{layer.id}.json{query}"}
        layers += style_layers(layer)
    # names above every shape: a place's name is not hidden under the dots drawn after it
    layers.sort(key=lambda style: style["type"] == "symbol")
    doc = {"version": 8, "name": "SafeAtlas", "sources": sources, "layers": layers,
           "center": getattr(settings, "MAP_CENTER", [118.78, 32.04]),
           "zoom": getattr(settings, "MAP_ZOOM", 6)}
    if glyphs:
        doc["glyphs"] = glyphs
    return doc
