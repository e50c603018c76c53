"""Reads of the operation slice (系统运行监测), all in the caller's scope (geo.scope, through
the gateways, sensors and alarms layers): online rates and data quality per level, the
outage log with its filters, and the levels and crumbs the page offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from geo.scope import Scope
from layers.base import registry
from monitoring.alarms import selectors as alarm_selectors
from monitoring.operation.models import Outage
from monitoring.operation.rates import LEVELS, OperationRow, online_rows, quality_add

__all__ = ["LEVELS", "OperationRow", "operation_rows", "outages_list", "operation_levels",
           "division_trail"]


def operation_rows(*, scope: Scope, level: str, start: datetime, end: datetime,
                   now: datetime, within: str = "") -> list[OperationRow]:
    """Online rate and data quality of every enterprise or division at `level` with
    gateways in use in scope under `within`, by key. Four queries."""
    rows = online_rows(scope=scope, level=level, start=start, end=end, now=now, within=within)
    quality_add(rows, scope=scope, level=level, start=start, end=end, within=within)
    return rows


@dataclass(frozen=True)
class OutageFilter:
    start: datetime
    end: datetime
    cause: str = ""
    gateway: str = ""   # part of the gateway's code or name
    within: str = ""    # division-code prefix
    open_only: bool = False


def outages_list(*, scope: Scope, where: OutageFilter) -> QuerySet[Outage]:
    """Outages overlapping [start, end) of the gateways the caller may read, newest first,
    with gateway and enterprise in the same query."""
    gateways = registry.get("gateways").queryset(scope)
    if where.within:
        gateways = gateways.filter(division_code__startswith=where.within)
    if where.gateway:
        gateways = gateways.filter(Q(code__icontains=where.gateway) |
                                   Q(name__icontains=where.gateway))
    rows = Outage.objects.filter(gateway__in=gateways.values("code"), started__lt=where.end) \
        .filter(Q(ended__isnull=True) | Q(ended__gt=where.start))
    if where.cause:
        rows = rows.filter(cause=where.cause)
    if where.open_only:
        rows = rows.filter(ended__isnull=True)
    return rows.select_related("gateway", "gateway__enterprise").order_by("-started", "pk")


def operation_levels(*, scope: Scope) -> list[str]:
    """The levels a caller may see the figures at (as on the grading page)."""
    return alarm_selectors.grading_levels(scope=scope)


def division_trail(*, scope: Scope, within: str, top: str) -> list[tuple[str, str]]:
    return alarm_selectors.division_trail(scope=scope, within=within, top=top)
