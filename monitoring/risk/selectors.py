"""Reads of the dynamic risk slice, always through the risk layers' scope."""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, Max, Q, QuerySet

from geo.scope import Scope
from monitoring.risk.cloud_tiles import tile_url_template
from monitoring.risk.layers import EnterpriseRiskLayer, RegionRiskLayer
from monitoring.risk.models import EnterpriseRisk, RegionRisk, RiskLevel


def enterprise_risk_scoped(*, scope: Scope, day: date | None = None) -> QuerySet[EnterpriseRisk]:
    """The caller's enterprise scores: the current ones, or those of `day`."""
    qs = EnterpriseRiskLayer.queryset(scope)
    return qs.filter(day=day) if day else qs.filter(current=True)


def enterprise_risk_history(*, scope: Scope, enterprise_id: int) -> QuerySet[EnterpriseRisk]:
    """One enterprise's daily scores, newest first (empty outside the caller's scope)."""
    return EnterpriseRiskLayer.queryset(scope).filter(enterprise_id=enterprise_id).order_by("-day")


def region_risk_scoped(*, scope: Scope, day: date) -> QuerySet[RegionRisk]:
    """The caller's division aggregates of `day`."""
    return RegionRiskLayer.queryset(scope).filter(day=day)


def region_risk_history(*, scope: Scope, code: str) -> QuerySet[RegionRisk]:
    """One division's (or park's) daily aggregate, newest first, by its 12-digit code
    (empty outside the caller's scope)."""
    return RegionRiskLayer.queryset(scope).filter(code=code).order_by("-day")


def risk_level_labels() -> dict[int, str]:
    return dict(RiskLevel.choices)


def industry_risk(*, scope: Scope, day: date | None = None) -> list[dict]:
    """The caller's scores aggregated by industry (GB/T 4754 code as filed): enterprises,
    mean and highest score, and how many at each level — one grouped query."""
    levels = {name: Count("id", filter=Q(level=n))
              for n, name in enumerate(("red", "orange", "yellow", "blue"), start=1)}
    return list(enterprise_risk_scoped(scope=scope, day=day).values("industry")
                .annotate(enterprises=Count("id"), mean_score=Avg("score"), max_score=Max("score"),
                          **levels).order_by("industry"))


def risk_days(*, scope: Scope, last: int = 30) -> list[date]:
    """The days (oldest first, at most the `last` newest) on which the caller has scores."""
    days = (EnterpriseRiskLayer.queryset(scope).order_by("-day").values_list("day", flat=True)
            .distinct()[:last])
    return sorted(days)


def risk_cloud_tiles(*, day: date) -> str:
    """The day's risk cloud tiles (风险态势云图), an XYZ template with {z}/{x}/{y}: each
    caller is served the surface of their own scope."""
    return tile_url_template(day)
