"""Reads of risk grading, in the caller's scope (`geo.scope`): risk points, their
assessments, measures and log; the control list (风险分级管控清单); the enterprises the
precise-enforcement plan (精准执法) should look at."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from enforcement.risk.models import (
    ControlCheck,
    ControlMeasure,
    LibraryPoint,
    RiskAssessment,
    RiskPoint,
    RiskZone,
)
from geo.places import owned_filter
from geo.scope import Scope
from registry.enterprises.selectors import enterprises_scoped


def risk_points_scoped(*, scope: Scope) -> QuerySet[RiskPoint]:
    return owned_filter(RiskPoint.objects.all(), scope)


def risk_points_of(enterprise_id: int, *, scope: Scope | None = None) -> QuerySet[RiskPoint]:
    """The risk points of one enterprise, highest level first (unassessed last). Without
    `scope` the caller has already read the enterprise in its own scope (a hidden danger
    of that enterprise linking to a point); with it, the read gate applies again."""
    rows = RiskPoint.objects.filter(enterprise_id=enterprise_id) if scope is None \
        else risk_points_scoped(scope=scope).filter(enterprise_id=enterprise_id)
    return rows.order_by("level", "name")


def risk_point_get(*, scope: Scope, pk: int) -> RiskPoint | None:
    return risk_points_scoped(scope=scope).select_related("enterprise").filter(pk=pk).first()


def risk_point_assessments(point: RiskPoint) -> QuerySet[RiskAssessment]:
    return point.assessments.select_related("assessor").order_by("-assessed", "-pk")


def risk_point_measures(point: RiskPoint) -> QuerySet[ControlMeasure]:
    return point.measures.annotate(checks_count=Count("checks")).order_by("kind", "pk")


def control_log(point: RiskPoint, *, limit: int = 50) -> QuerySet[ControlCheck]:
    """The dynamic control log (管控记录) of a point's measures, newest first."""
    return ControlCheck.objects.filter(measure__point=point) \
        .select_related("measure", "checked_by")[:limit]


def control_list(*, scope: Scope, enterprise_id: int) -> QuerySet[RiskPoint]:
    """The enterprise's control list (风险分级管控清单): its points by level with their
    active measures, in two queries."""
    active = ControlMeasure.objects.filter(active=True).order_by("kind", "pk")
    return risk_points_of(enterprise_id, scope=scope).prefetch_related(
        Prefetch("measures", queryset=active, to_attr="active_measures"))


def control_list_rows(points: QuerySet[RiskPoint]) -> list[dict]:
    """The control list flattened, one row per measure (a point without one: one row),
    with the Chinese column names the export carries."""
    rows = []
    for point in points:
        base = {"风险点": point.name, "类型": point.get_kind_display(),
                "风险等级": point.get_level_display() if point.level else "未评价",
                "管控层级": point.get_control_level_display() if point.control_level else "",
                "责任部门": point.department, "责任人": point.responsible,
                "危险有害因素": point.hazard_factors}
        measures = point.active_measures or [None]
        for m in measures:
            rows.append({**base, "措施类别": m.get_kind_display() if m else "",
                         "管控措施": m.text if m else "", "措施责任人": m.owner if m else ""})
    return [{str(k): str(v) for k, v in row.items()} for row in rows]


def level_counts(*, scope: Scope, enterprise_id: int | None = None) -> dict[int | None, int]:
    rows = risk_points_scoped(scope=scope)
    if enterprise_id is not None:
        rows = rows.filter(enterprise_id=enterprise_id)
    return dict(rows.order_by().values_list("level").annotate(n=Count("pk")))


def enterprises_missing_measures(scope: Scope) -> QuerySet:
    """Enterprises in `scope` with no risk point at all, or with a point that has no active
    control measure: the precise-enforcement (精准执法) input for the next plan."""
    points = RiskPoint.objects.filter(enterprise=OuterRef("pk"))
    bare = points.exclude(Exists(ControlMeasure.objects.filter(point=OuterRef("pk"),
                                                               active=True)))
    return _registered(scope).filter(
        ~Exists(points) | Exists(bare)).order_by("division_code", "name")


def enterprises_without_points(scope: Scope) -> QuerySet:
    """Enterprises in `scope` that have identified no risk point (the workbench to-do)."""
    return _registered(scope).exclude(
        Exists(RiskPoint.objects.filter(enterprise=OuterRef("pk")))) \
        .order_by("division_code", "name")


def _registered(scope: Scope) -> QuerySet:
    # A cancelled (已核销) enterprise has nothing left to identify.
    return enterprises_scoped(scope=scope).exclude(status="cancelled")


def library_points(*, industry: str = "", query: str = "") -> QuerySet[LibraryPoint]:
    rows = LibraryPoint.objects.all()
    if industry:
        rows = rows.filter(industry=industry)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(hazard_factors__icontains=query))
    return rows


def risk_zones_of(*, scope: Scope, enterprise_id: int) -> QuerySet[RiskZone]:
    return owned_filter(RiskZone.objects.all(), scope).filter(enterprise_id=enterprise_id) \
        .order_by("level", "name")


def risk_zone_get(*, scope: Scope, pk: int) -> RiskZone | None:
    return owned_filter(RiskZone.objects.all(), scope).select_related("enterprise") \
        .filter(pk=pk).first()
