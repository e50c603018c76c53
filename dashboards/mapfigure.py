"""A plotly `map` (MapLibre) figure whose layers are the registry's vector-tile style."""

from __future__ import annotations

import math

from dashboards.selectors import BBox
from geo.scope import Scope
from layers.styles import style_document

# The graph's size in pixels assumed when fitting an extent (the page CSS gives it about this).
VIEW_SIZE = (960, 720)
TILE_SIZE = 512  # MapLibre's world is 512 px wide at zoom 0
DEFAULT_VIEW = ({"lon": 105.0, "lat": 35.0}, 3.0)  # all of China, for callers without divisions


def fit_view(box: BBox | None, size: tuple[int, int] = VIEW_SIZE) -> tuple[dict, float]:
    """Centre and zoom that show `box` whole in a viewport of `size` pixels."""
    if box is None:
        return DEFAULT_VIEW
    west, south, east, north = box.west, box.south, box.east, box.north
    centre = {"lon": (west + east) / 2, "lat": _lat((_y(south) + _y(north)) / 2)}
    span_x = max(east - west, 1e-6) / 360.0
    span_y = max(_y(north) - _y(south), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(size[0] / (TILE_SIZE * span_x), size[1] / (TILE_SIZE * span_y)))
    return centre, round(min(max(zoom - 0.2, 0.0), 18.0), 2)


def _y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def map_figure(*, scope: Scope, base_url: str, layer_ids: list[str] | None,
               view: tuple[dict, float]) -> dict:
    """The plotly figure (as JSON): no data traces, every layer drawn by MapLibre from /tiles.

    Plain JSON rather than go.Figure, so no plotly template rides along. plotly needs one
    trace to create the map subplot; an empty Scattermap draws nothing.
    `uirevision` keeps the user's pan and zoom when a callback swaps the style.
    """
    style = style_document(scope, base_url, layer_ids=layer_ids)
    centre, zoom = view
    return {
        "data": [{"type": "scattermap", "lat": [], "lon": [], "hoverinfo": "skip",
                  "showlegend": False}],
        "layout": {
            "map": {"style": style, "center": centre, "zoom": zoom},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "uirevision": "onemap",
            "showlegend": False,
        },
    }
