"""Reads of incidents, always in the caller's scope (the incidents layer's)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import chain

from django.db.models import Count, Prefetch, Q, QuerySet

from geo.models import User
from geo.scope import Scope, scope_for_user_id
from response.incidents import flow
from response.incidents.layers import Incidents
from response.incidents.models import Incident, IncidentReport, IncidentStep, Stage

OPEN = Q(closed_at__isnull=True) & ~Q(stage=Stage.CLOSED)


@dataclass(frozen=True)
class IncidentFilters:
    stage: str = ""
    level: int | None = None
    category: str = ""
    q: str = ""
    overdue: bool = False
    since: datetime.date | None = None
    until: datetime.date | None = None


def incidents_scoped(*, scope: Scope) -> QuerySet[Incident]:
    return Incidents.queryset(scope)


def incident_list(*, scope: Scope, filters: IncidentFilters,
                  now: datetime.datetime) -> QuerySet[Incident]:
    rows = incidents_scoped(scope=scope).defer("summary")
    f = filters
    if f.stage == "open":
        rows = rows.filter(OPEN)
    elif f.stage:
        rows = rows.filter(stage=f.stage)
    if f.level:
        rows = rows.filter(level=f.level)
    if f.category:
        rows = rows.filter(kind__startswith=f.category)
    if f.q:
        rows = rows.filter(Q(title__icontains=f.q) | Q(address__icontains=f.q))
    if f.overdue:
        rows = rows.filter(due_at__lt=now).filter(OPEN)
    if f.since:
        rows = rows.filter(occurred_at__date__gte=f.since)
    if f.until:
        rows = rows.filter(occurred_at__date__lte=f.until)
    return rows.order_by("-occurred_at", "-pk")


def incident_get(*, scope: Scope, pk: int) -> Incident | None:
    """One incident the caller may read, with its report chain and steps."""
    return (incidents_scoped(scope=scope).select_related("received_by", "warning")
            .prefetch_related(
                Prefetch("reports", IncidentReport.objects.select_related("by")),
                Prefetch("steps", IncidentStep.objects.select_related("by")))
            .filter(pk=pk).first())


def incident_for_warning(*, scope: Scope, warning_id: int) -> Incident | None:
    return incidents_scoped(scope=scope).filter(warning_id=warning_id).first()


def incidents_overdue(*, scope: Scope, now: datetime.datetime) -> QuerySet[Incident]:
    """Open incidents whose holding level is past its time to report up (超时未报)."""
    return incidents_scoped(scope=scope).filter(OPEN, due_at__lt=now).order_by("due_at")


def incident_open_level_counts(*, scope: Scope) -> dict[int, int]:
    """Open incidents by level (the large screen's panel), one query."""
    return dict(incidents_scoped(scope=scope).filter(OPEN).order_by().values_list("level")
                .annotate(n=Count("pk")))


def incident_timeline(incident: Incident) -> list[dict]:
    """The reports and the steps of one incident (prefetched), in time order."""
    reports = ({"at": r.reported_at, "what": r.get_kind_display(), "by": r.by, "report": r}
               for r in incident.reports.all())
    steps = ({"at": s.at, "what": flow.SUBMISSION.step(s.action).verb, "by": s.by,
              "step": s} for s in incident.steps.all())
    return sorted(chain(reports, steps), key=lambda e: e["at"])


# ---- what waits for a user (header queues, workbench) --------------------------------
_WAITING = {"city": [Stage.TO_CITY], "province": [Stage.TO_PROVINCE],
            "any": [Stage.TO_CITY, Stage.TO_PROVINCE]}
_TO_REPORT = {"county": [Stage.COUNTY], "city": [Stage.TO_CITY, Stage.CITY],
              "any": [Stage.COUNTY, Stage.TO_CITY, Stage.CITY]}


def incidents_to_receive(*, user: User) -> QuerySet[Incident] | None:
    """Incidents reported up to the user's level and not yet received (待接收)."""
    stages = _WAITING.get(flow.user_level(user) or "")
    if stages is None:
        return None
    return incidents_scoped(scope=scope_for_user_id(user.pk)).filter(stage__in=stages)


def incidents_to_report(*, user: User) -> QuerySet[Incident] | None:
    """Incidents the user's level holds and must still report up (待上报)."""
    stages = _TO_REPORT.get(flow.user_level(user) or "")
    if stages is None:
        return None
    return incidents_scoped(scope=scope_for_user_id(user.pk)).filter(
        stage__in=stages, due_at__isnull=False)
