"""The four-colour plant map (风险四色图) as an SVG for the A3 print page and its PDF
(`geo.documents`): the placed floor plan beneath (its raster tiles through
`layers.rasters`, the same pictures the map serves), the zones in the colour of their
highest risk, the points, a legend, a north arrow, a scale bar and the date.

Web Mercator keeps the plant's shapes (a few hundred metres, conformal); the page's own
units are SVG user units, WIDTH wide. A plant is a few dozen features: a Python loop is
fine here, no hot path.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

from django.utils.html import escape

from geo.scope import Scope
from layers.maps import level_colour
from layers.rasters import raster_source, tile_bounds

R = 6378137.0
WIDTH, HEIGHT = 1000.0, 640.0   # the drawing's box (A3 landscape less title and margins)
PAD = 0.08                      # of the features' extent, around it
MAX_TILES = 24                  # floor-plan tiles embedded at most (the PDF stays small)


def merc(lon: float, lat: float) -> tuple[float, float]:
    return (math.radians(lon) * R,
            math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * R)


@dataclass(frozen=True)
class Frame:
    """Web Mercator box → the drawing's units (y down)."""

    minx: float
    miny: float
    scale: float   # drawing units per Mercator metre
    lat: float     # the centre's latitude (ground metres = Mercator metres × cos)

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.minx) * self.scale, HEIGHT - (y - self.miny) * self.scale)

    def ground_per_unit(self) -> float:
        return math.cos(math.radians(self.lat)) / self.scale


def _frame(boxes: list[tuple[float, float, float, float]]) -> Frame:
    minx, miny = min(b[0] for b in boxes), min(b[1] for b in boxes)
    maxx, maxy = max(b[2] for b in boxes), max(b[3] for b in boxes)
    span = max(maxx - minx, maxy - miny, 50.0)  # at least 50 m across
    minx, maxx = minx - span * PAD, maxx + span * PAD
    miny, maxy = miny - span * PAD, maxy + span * PAD
    scale = min(WIDTH / (maxx - minx), HEIGHT / (maxy - miny))
    # centre the extent in the box
    minx -= (WIDTH / scale - (maxx - minx)) / 2
    miny -= (HEIGHT / scale - (maxy - miny)) / 2
    lat = math.degrees(2 * math.atan(math.exp((miny + HEIGHT / scale / 2) / R)) - math.pi / 2)
    return Frame(minx, miny, scale, lat)


def _box(geom) -> tuple[float, float, float, float]:
    xs, ys = zip(*(merc(x, y) for x, y in _coords(geom)), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _coords(geom) -> list[tuple[float, float]]:
    if geom.geom_type == "Point":
        return [(geom.x, geom.y)]
    return list(geom.exterior_ring.coords)


def _path(frame: Frame, polygon) -> str:
    parts = []
    for ring in polygon:  # exterior, then holes
        points = [frame.xy(*merc(x, y)) for x, y in ring.coords]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def _plan_tiles(frame: Frame, scope: Scope, plans) -> list[str]:
    """The placed plans' raster tiles as <image>s (PNG data URIs), at the zoom where the
    drawing's extent is a few tiles across."""
    source = raster_source("floorplans")
    if source is None:
        return []
    width_m = WIDTH / frame.scale
    zoom = max(0, min(22, int(math.log2(2 * math.pi * R / width_m * 4))))
    size = 2 * math.pi * R / 2 ** zoom
    x0 = int((frame.minx + math.pi * R) // size)
    x1 = int((frame.minx + width_m + math.pi * R) // size)
    y_top = frame.miny + HEIGHT / frame.scale
    y0 = int((math.pi * R - y_top) // size)
    y1 = int((math.pi * R - frame.miny) // size)
    out: list[str] = []
    for plan in plans:
        item = source.item(scope=scope, item_id=plan.pk)
        if item is None or item.extent is None:
            continue
        for tx in range(x0, x1 + 1):
            for ty in range(y0, y1 + 1):
                if len(out) >= MAX_TILES:
                    return out
                bounds = tile_bounds(zoom, tx, ty)
                png = item.render(bounds)
                if not png:
                    continue
                left, top = frame.xy(bounds[0], bounds[3])
                side = size * frame.scale
                data = base64.b64encode(png).decode()
                out.append(f'<image x="{left:.1f}" y="{top:.1f}" width="{side:.1f}" '
                           f'height="{side:.1f}" href="data:image/png;base64,{data}"/>')
    return out


def _scale_bar(frame: Frame) -> tuple[float, int]:
    """A round length (m) near a fifth of the width, and its length in drawing units."""
    target = WIDTH / 5 * frame.ground_per_unit()
    step = 10 ** math.floor(math.log10(target))
    metres = max(m for m in (step, 2 * step, 5 * step) if m <= target)
    return metres / frame.ground_per_unit(), int(metres)


def plant_map_svg(*, enterprise, zones, points, plans, scope: Scope) -> str:
    """The drawing (without legend, which the page lays out beside it)."""
    boxes = [_box(z.geom) for z in zones] + [_box(p.outline or p.geom) for p in points]
    boxes.append(_box(enterprise.geom))
    frame = _frame(boxes)
    body = _plan_tiles(frame, scope, plans)
    for z in zones:
        colour = level_colour(z.level)
        body.append(f'<path d="{_path(frame, z.geom)}" fill="{colour}" fill-opacity="0.45" '
                    f'stroke="{colour}" stroke-width="2"/>')
        # the name under the zone's top edge, clear of the points' labels inside it
        cx, _cy = frame.xy(*merc(z.geom.centroid.x, z.geom.centroid.y))
        top = frame.xy(*merc(z.geom.centroid.x, z.geom.extent[3]))[1]
        body.append(f'<text x="{cx:.1f}" y="{top + 18:.1f}" class="zone">'
                    f"{escape(z.name)}</text>")
    for p in points:
        x, y = frame.xy(*merc(p.geom.x, p.geom.y))
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{level_colour(p.level)}" '
                    'stroke="#000" stroke-width="1"/>')
        body.append(f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" class="point">{escape(p.name)}</text>')
    bar, metres = _scale_bar(frame)
    body.append(  # north arrow (Web Mercator: north is up) and scale bar
        f'<g transform="translate({WIDTH - 50},20)"><path d="M20,0 L34,44 L20,34 L6,44 Z" '
        'fill="#000"/><text x="20" y="62" class="north">N</text></g>'
        f'<g transform="translate(20,{HEIGHT - 24})"><rect width="{bar:.1f}" height="6" '
        f'fill="#000"/><text x="0" y="20" class="scale">0</text><text x="{bar:.1f}" y="20" '
        f'class="scale">{metres} m</text></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" '
            'class="plant-map"><rect width="100%" height="100%" fill="#fff" stroke="#000"/>'
            + "".join(body) + "</svg>")
