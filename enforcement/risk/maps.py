"""The page maps of risk points: one point on its enterprise's placed floor plans (with the
location picker on the forms), and an enterprise's points in the four colours."""

from __future__ import annotations

from collections.abc import Iterable

from layers.maps import Dot, MapParts, Marker, Shape, TileOverlay, level_colour, page_map
from registry.floorplans.selectors import floor_plan_tiles

PLAN_ZOOM = 17  # a plant on its floor plan


def _overlays(plans) -> list[TileOverlay]:
    return [TileOverlay(p.name, floor_plan_tiles(p.pk)) for p in plans if p.cog]


def point_map(*, enterprise, point, plans, picker: bool = False) -> MapParts:
    """The point (or the enterprise's position for a new one) over the floor plans; with
    `picker`, dragging or clicking writes the form's lon and lat inputs."""
    where = point.geom if point is not None else enterprise.geom
    title = point.name if point is not None else enterprise.name
    shapes = [Shape(point.outline.geojson, level_colour(point.level), point.name)] \
        if point is not None and point.outline else []
    return page_map(element_id="risk-map", shapes=shapes, overlays=_overlays(plans),
                    marker=Marker(where.x, where.y, title,
                                  ("id_lon", "id_lat") if picker else None),
                    center=(where.x, where.y), zoom=PLAN_ZOOM, height=360)


def point_shapes(points: Iterable) -> tuple[list[Shape], list[Dot]]:
    """Outlines and dots of points in their level's colour (the site map's overlays)."""
    shapes, dots = [], []
    for p in points:
        label = f"{p.name} · {p.get_level_display() if p.level else '—'}"
        if p.outline:
            shapes.append(Shape(p.outline.geojson, level_colour(p.level), label))
        dots.append(Dot(p.geom.x, p.geom.y, level_colour(p.level), label))
    return shapes, dots


def points_map(*, enterprise, points) -> MapParts:
    shapes, dots = point_shapes(points)
    return page_map(element_id="risk-points-map", shapes=shapes, dots=dots,
                    marker=Marker(enterprise.geom.x, enterprise.geom.y, enterprise.name),
                    center=(enterprise.geom.x, enterprise.geom.y), zoom=PLAN_ZOOM - 1)


def zones_map(*, enterprise, zones, points, plans) -> MapParts:
    """The zones in the colour of their highest risk and the points, over the plans."""
    shapes = [Shape(z.geom.geojson, level_colour(z.level), z.name) for z in zones]
    _outlines, dots = point_shapes(points)
    return page_map(element_id="risk-zones-map", shapes=shapes, dots=dots,
                    overlays=_overlays(plans),
                    marker=Marker(enterprise.geom.x, enterprise.geom.y, enterprise.name),
                    center=(enterprise.geom.x, enterprise.geom.y), zoom=PLAN_ZOOM, height=420)
