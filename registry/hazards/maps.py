"""The small map of one hazard source (ADR 0023's page map): the unit's outline in its
level's colour and its enterprise's point, named, over the caller's base map."""

from __future__ import annotations

from layers.maps import Dot, MapParts, Shape, level_colour, page_map
from registry.hazards.models import HazardSource

ENTERPRISE_COLOUR = "#0B3D91"


def source_map(source: HazardSource) -> MapParts:
    """Opened to fit the unit and the enterprise's point."""
    point = source.enterprise.geom
    xmin, ymin, xmax, ymax = source.geom.extent
    return page_map(
        element_id="source-map",
        shapes=[Shape(source.geom.geojson, level_colour(source.level), source.name)],
        dots=[Dot(point.x, point.y, ENTERPRISE_COLOUR, source.enterprise.name)],
        bounds=[min(xmin, point.x), min(ymin, point.y), max(xmax, point.x),
                max(ymax, point.y)])
