"""Reads of the responsibility grids, each in the caller's scope (`geo.scope`) except the
two routing selectors other slices call for a place, not for a reader (`grid_people_at`,
`enterprise_grid`: who answers for a point or an enterprise, as alarm routing does).

Public for other slices: `grid_people_at(point)`, `enterprise_grid(enterprise_id)`,
`grid_term` (stats.py: a score term registered by another slice)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from enforcement.grids.models import (
    ClaimState,
    EnterpriseZone,
    GridAssignment,
    GridMember,
    Patrol,
    ZoneMember,
)
from enforcement.grids.people import answers_for, under_user
from enforcement.grids.stats import (
    GridFigures,
    ScreenCounts,
    Term,
    grid_figures,
    grid_screen_counts,
    grid_term,
    grid_terms,
)
from geo import authority
from geo.models import SUPERVISOR_ROLES, GridCell, Role, User
from geo.places import owned_filter
from geo.scope import Scope
from layers.base import registry

# Who may be named on a government grid: grid members and supervisors (a town's official
# as 网格长), the system administrator too.
GRID_ROLES = frozenset({Role.GRID, Role.ADMIN, *SUPERVISOR_ROLES})

__all__ = ["EnterpriseGrid", "GridFigures", "ScreenCounts", "Term", "answers_for",
           "assignments_disputed", "assignments_to_confirm", "cell_get", "cells_at_level",
           "enterprise_grid", "enterprise_mine", "enterprise_points", "enterprises_readable",
           "grid_figures", "grid_people_at", "grid_screen_counts", "grid_term", "grid_terms",
           "members_of", "patrol_get", "patrols_of", "zones_of"]


# ---- for other slices: who answers for a place -------------------------------------------
def grid_people_at(point: Point, *, on: datetime.date | None = None) -> list[GridMember]:
    """The responsible people (open terms on `on`, today by default) of every cell that
    covers `point`, the smallest cell first (level 4 before 3 …), then by duty (网格长,
    网格员, 专职安全员) and name, in ONE statement. Each row carries its `cell` (without
    its shape); `user` is None for a person without an account (reach them by `phone`)."""
    on = on or timezone.localdate()
    point = Point(point.x, point.y, srid=4326)
    return list(GridMember.objects.filter(
        Q(ended__isnull=True) | Q(ended__gte=on), started__lte=on,
        cell__geom__covers=point).select_related("cell").defer("cell__geom").order_by(
        "-cell__level", "cell__code", "duty", "name", "pk"))


@dataclass(frozen=True)
class EnterpriseGrid:
    """An enterprise's grid: its assignment (cell, 确权 state) and the people answering
    for it — the open terms on its cell and the cells above, the smallest first."""

    assignment: GridAssignment
    people: list[GridMember] = field(default_factory=list)

    @property
    def cell(self) -> GridCell:
        return self.assignment.cell


def enterprise_grid(enterprise_id: int, *, scope: Scope | None = None) -> EnterpriseGrid | None:
    """The grid of one enterprise (None when it is in no cell); `scope` limits it to a
    reader's (None: for routing, like `grid_people_at`). Two queries."""
    rows = GridAssignment.objects.select_related("cell__parent__parent").defer(
        "cell__geom", "cell__parent__geom", "cell__parent__parent__geom")
    if scope is not None:
        rows = owned_filter(rows, scope)
    assignment = rows.filter(enterprise_id=enterprise_id).first()
    if assignment is None:
        return None
    cell, ids = assignment.cell, [assignment.cell_id]
    while cell.parent_id is not None:  # levels 1-4: the chain came with the assignment
        ids.append(cell.parent_id)
        cell = cell.parent if "parent" in cell._state.fields_cache else GridCell(
            pk=cell.parent_id)
    people = list(GridMember.objects.filter(cell_id__in=ids, ended__isnull=True)
                  .select_related("cell").defer("cell__geom")
                  .order_by("-cell__level", "duty", "name", "pk"))
    return EnterpriseGrid(assignment, people)


# ---- pages ---------------------------------------------------------------------------------
def enterprises_readable(*, scope: Scope) -> QuerySet:
    """The enterprises a caller may read (the enterprises layer's one scoped entry)."""
    return registry.get("enterprises").queryset(scope)


def enterprise_points(*, scope: Scope, ids: list[int]) -> list[tuple[str, Point]]:
    """(name, point) of the readable enterprises among `ids`, for a page map."""
    return list(enterprises_readable(scope=scope).filter(pk__in=ids).order_by("pk")
                .values_list("name", "geom"))


def enterprise_mine(*, scope: Scope, user: User):
    """An enterprise user's own enterprise, in scope (None for anyone else)."""
    if user.organisation_id is None:
        return None
    return enterprises_readable(scope=scope).filter(
        organisation_id=user.organisation_id).defer("geom").first()


def cells_scoped(*, scope: Scope) -> QuerySet[GridCell]:
    return registry.get("grid_cells").queryset(scope)


def cell_get(*, scope: Scope, pk: int) -> GridCell | None:
    return cells_scoped(scope=scope).select_related("parent").filter(pk=pk).first()


def cells_at_level(*, scope: Scope, level: int, parent_id: int | None) -> QuerySet[GridCell]:
    rows = cells_scoped(scope=scope).filter(level=level).defer("geom")
    return rows.filter(parent_id=parent_id) if parent_id else rows


def members_of(*, cell: GridCell) -> list[GridMember]:
    """A cell's people, the open terms first, then the history (newest first)."""
    return list(cell.members.select_related("user").order_by(
        F("ended").desc(nulls_first=True), "-started", "duty", "name"))


def assignments_in(*, scope: Scope, cell: GridCell) -> QuerySet[GridAssignment]:
    return owned_filter(GridAssignment.objects.filter(cell=cell), scope).select_related(
        "enterprise").defer("enterprise__geom").order_by("state", "enterprise__name")


def assignment_get(*, scope: Scope, pk: int) -> GridAssignment | None:
    return owned_filter(GridAssignment.objects.select_related("enterprise", "cell").defer(
        "enterprise__geom", "cell__geom"), scope).filter(pk=pk).first()


def assignments_to_confirm(*, user: User) -> QuerySet[GridAssignment] | None:
    """Pending assignments of the cells `user` answers for; None for the roles that are
    never named on a government grid (enterprises, agencies, analysts). Decided from the
    role, without a query (the header's budget: geo.queues)."""
    if not authority.may_act(user) or user.role not in GRID_ROLES:
        return None
    return GridAssignment.objects.filter(under_user(user), state=ClaimState.PENDING)


def assignments_disputed(*, user: User) -> QuerySet[GridAssignment] | None:
    """Disputes the supervisor may decide (None: decides nothing)."""
    return authority.decidable(user, GridAssignment.objects.filter(state=ClaimState.DISPUTED))


def my_cells(*, user: User) -> QuerySet[GridCell]:
    """The cells `user` answers for: their own and those below them."""
    return GridCell.objects.filter(under_user(user, via="")).defer("geom").order_by("code")


def patrols_of(*, user: User, limit: int = 20) -> list[Patrol]:
    return list(Patrol.objects.filter(user_id=user.pk).select_related("cell").defer(
        "cell__geom").annotate(n_checkins=Count("checkins"))[:limit])


def patrol_get(*, scope: Scope, pk: int) -> Patrol | None:
    return scope.filter(Patrol.objects.select_related("cell", "user").defer("cell__geom"),
                        division_field="division_code", owner_field=None).filter(pk=pk).first()


def zones_of(*, scope: Scope, enterprise_id: int) -> tuple[list[EnterpriseZone],
                                                            list[ZoneMember]]:
    """An enterprise's grid zones and their people (two queries)."""
    zones = list(owned_filter(EnterpriseZone.objects.filter(enterprise_id=enterprise_id),
                              scope).order_by(F("parent_id").asc(nulls_first=True), "name"))
    members = list(owned_filter(ZoneMember.objects.filter(enterprise_id=enterprise_id),
                                scope).order_by(F("ended").desc(nulls_first=True), "duty", "name"))
    return zones, members
