"""The small map of one patrol (ADR 0023's page map): the cell's outline, the track as a
line, the check-ins and the cell's enterprises, over the caller's base map."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.grids.models import Patrol
from layers.maps import Dot, MapParts, Shape, page_map

TRACK_COLOUR, CHECKIN_COLOUR, ENTERPRISE_COLOUR = "#E65100", "#2E7D32", "#0B3D91"


def patrol_map(patrol: Patrol, *, checkins: list, enterprises: list) -> MapParts:
    """Opened to fit the cell; `enterprises` are (name, point) pairs."""
    shapes = [Shape(patrol.track.geojson, TRACK_COLOUR, _("巡查轨迹"))] if patrol.track else []
    dots = [Dot(k.geom.x, k.geom.y, CHECKIN_COLOUR,
                f"{k.enterprise.name} {timezone.localtime(k.at):%H:%M}")
            for k in checkins]
    dots += [Dot(point.x, point.y, ENTERPRISE_COLOUR, name) for name, point in enterprises]
    return page_map(element_id="patrol-map", shapes=shapes, dots=dots,
                    outlines=[patrol.cell.geom.geojson], bounds=list(patrol.cell.geom.extent))
