"""Writes of the four-colour plant map's zones (风险四色图): a zone drawn on the floor plan
takes the colour of its highest risk — the lowest level among the risk points whose point
or outline meets it — kept by one UPDATE per enterprise whenever a point or a zone changes."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from enforcement.risk.models import RiskPoint, RiskZone
from geo import authority
from geo.models import User
from geo.places import owned_copy


def zones_follow(enterprise_id: int) -> None:
    """Every zone of the enterprise takes the highest level of the points in it."""
    zone, point = RiskZone._meta.db_table, RiskPoint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{zone}" z SET level = (SELECT min(p.level) FROM "{point}" p '
            "WHERE p.enterprise_id = z.enterprise_id AND p.level IS NOT NULL "
            "AND ST_Intersects(z.geom, COALESCE(p.outline, p.geom))) "
            "WHERE z.enterprise_id = %s", [enterprise_id])


def _polygon(geom: GEOSGeometry) -> Polygon:
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    if not isinstance(geom, Polygon) or not geom.valid:
        raise ValidationError({"geom": _("范围须为有效的多边形")})
    geom.srid = 4326
    return geom


@transaction.atomic
def risk_zone_create(*, user: User, enterprise, name: str, geom: GEOSGeometry,
                     floor_plan=None) -> RiskZone:
    if not authority.may_edit(user, enterprise):
        raise PermissionDenied(_("无权修改该企业的风险点"))
    zone = RiskZone(enterprise=enterprise, name=name, geom=_polygon(geom),
                    floor_plan=floor_plan)
    owned_copy(zone)
    zone.full_clean(exclude=["enterprise", "floor_plan", "level"])
    zone.save()
    zones_follow(enterprise.pk)
    zone.refresh_from_db(fields=["level"])
    return zone


@transaction.atomic
def risk_zone_delete(*, user: User, zone: RiskZone) -> None:
    if not authority.may_edit(user, zone):
        raise PermissionDenied(_("无权修改该企业的风险点"))
    zone.delete()
