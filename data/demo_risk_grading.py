"""Risk grading (风险分级管控) of the demo park: each park enterprise holding a major hazard
picks three typical points from the standards library (so their suggested measures come
too), a 终评 by LEC or LS graded by the default rules, one entry of the control log per
point, and a zone of the four-colour plant map around them — all through the slice's
services, as an enterprise would. Idempotent: an enterprise that has points is skipped."""

from __future__ import annotations

from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from enforcement.risk import selectors, services, zones
from geo.models import Role, User
from geo.scope import EVERYTHING
from registry.enterprises.selectors import enterprises_scoped

# (library entry, offset east and north in degrees, method, factors), cycled per enterprise
PICKS = [
    ("液氯储罐区", (0.0004, 0.0003), "LEC", {"L": 3, "E": 6, "C": 40}),         # 720 红
    ("甲醇储罐区", (-0.0004, 0.0003), "LEC", {"L": 1, "E": 10, "C": 15}),       # 150 黄
    ("危险化学品装卸站台", (0.0, -0.0004), "LS", {"L": 3, "S": 4}),              # 12 黄
    ("液氨储罐区", (0.0004, -0.0003), "LS", {"L": 4, "S": 4}),                  # 16 橙
]
HALF = 0.0009  # degrees: the zone around the points


def demo_risk_grading_ensure(park_code: str) -> int:
    """Points for the park's major-hazard enterprises that have none; returns how many."""
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if admin is None:
        return 0
    library = {e.name: e for e in selectors.library_points()}
    todo = selectors.enterprises_without_points(EVERYTHING).filter(
        pk__in=enterprises_scoped(scope=EVERYTHING).filter(
            division_code__startswith=park_code[:9], has_major_hazard=True).values("pk"))
    made = 0
    for i, enterprise in enumerate(todo.order_by("credit_code")):
        x, y = enterprise.geom.x, enterprise.geom.y
        for name, (dx, dy), method, factors in (PICKS[(i + k) % len(PICKS)] for k in range(3)):
            point = services.risk_point_from_library(
                user=admin, enterprise=enterprise, entry=library[name],
                geom=Point(x + dx, y + dy, srid=4326), department="安全环保部",
                responsible="王安全", responsible_phone="0551-12345678")
            services.risk_point_assess(user=admin, point=point, stage="final", method=method,
                                       factors=factors)
            first = point.measures.order_by("pk").first()
            services.control_check_record(user=admin, measure=first, result="effective",
                                          now=timezone.now())
            made += 1
        zones.risk_zone_create(user=admin, enterprise=enterprise, name="生产储存区",
                               geom=Polygon.from_bbox((x - HALF, y - HALF, x + HALF, y + HALF)))
    return made


def demo_risk_grading_delete(cursor, prefix: str) -> None:
    """Drop the demo region's risk points and all that hangs on them, and its zones (before
    its enterprises go: the region is deleted in SQL, without the ORM's cascades)."""
    from enforcement.risk.models import (
        ControlCheck,
        ControlMeasure,
        RiskAssessment,
        RiskPoint,
        RiskZone,
    )

    points = (f'SELECT id FROM "{RiskPoint._meta.db_table}" WHERE division_code LIKE %s')
    measures = f'SELECT id FROM "{ControlMeasure._meta.db_table}" WHERE point_id IN ({points})'
    like = [prefix + "%"]
    cursor.execute(f'DELETE FROM "{ControlCheck._meta.db_table}" WHERE measure_id IN '
                   f"({measures})", like)
    for model in (ControlMeasure, RiskAssessment):
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE point_id IN ({points})',
                       like)
    for model in (RiskPoint, RiskZone):
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE division_code LIKE %s',
                       like)
