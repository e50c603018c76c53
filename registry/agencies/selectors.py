"""Reads of intermediary agencies (中介机构), through the caller's scope.

Agencies are scoped by their layer (division code or own organisation); projects by the
client's division code or the agency's organisation; problems by their project.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from geo.places import owned_filter
from geo.scope import Scope
from layers.base import registry
from registry.agencies.models import Agency, AgencyProblem, AgencyProject


def agencies_scoped(*, scope: Scope) -> QuerySet[Agency]:
    return registry.get("agencies").queryset(scope)


def projects_scoped(*, scope: Scope) -> QuerySet[AgencyProject]:
    return owned_filter(AgencyProject.objects.all(), scope)


def agency_list(*, scope: Scope, kind: str = "") -> QuerySet[Agency]:
    """Agencies with the number of their projects and open problems the caller may see."""
    visible = projects_scoped(scope=scope).values("pk")
    qs = agencies_scoped(scope=scope).annotate(
        project_count=Count("projects", filter=Q(projects__in=visible), distinct=True),
        open_problems=Count("projects__problems",
                            filter=Q(projects__in=visible, projects__problems__rectified=False),
                            distinct=True))
    return qs.filter(kind=kind) if kind else qs


def agency_get(*, scope: Scope, agency_id: int) -> Agency | None:
    return agencies_scoped(scope=scope).filter(pk=agency_id).first()


def agency_projects(*, scope: Scope, agency: Agency) -> list[AgencyProject]:
    """The agency's projects in scope, with client and problems (three queries in all)."""
    return list(projects_scoped(scope=scope).filter(agency=agency)
                .select_related("enterprise")
                .prefetch_related(Prefetch("problems", AgencyProblem.objects.order_by("id"))))
