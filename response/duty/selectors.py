"""Reads of duty, in the caller's scope: a roster is read by the users of its bureau and
by the government users over its place (the scope of its division and organisation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from geo.models import LEVEL_DIGITS, User
from geo.scope import Scope
from response.duty.models import (
    DutyLogEntry,
    DutyMember,
    DutyRole,
    DutyRoster,
    DutyShift,
    DutySwap,
    HandoverNote,
    SwapState,
)
from response.incidents import selectors as incident_selectors


def rosters_scoped(*, scope: Scope) -> QuerySet[DutyRoster]:
    return scope.filter(DutyRoster.objects.all(), division_field="division_code",
                        owner_field="organisation")


def roster_get(*, scope: Scope, pk: int) -> DutyRoster | None:
    return (rosters_scoped(scope=scope).select_related("organisation", "organisation__division")
            .prefetch_related(Prefetch("members", DutyMember.objects.select_related("user")))
            .filter(pk=pk).first())


def roster_shifts(*, roster: DutyRoster, since: datetime.date,
                  until: datetime.date) -> list[DutyShift]:
    return list(roster.shifts.filter(day__gte=since, day__lte=until)
                .select_related("leader", "officer").order_by("starts_at"))


def shift_get(*, scope: Scope, pk: int) -> DutyShift | None:
    return (DutyShift.objects.filter(roster__in=rosters_scoped(scope=scope), pk=pk)
            .select_related("roster", "leader", "officer").first())


def swap_get(*, scope: Scope, pk: int) -> DutySwap | None:
    return (scope.filter(DutySwap.objects.all(), division_field="division_code",
                         owner_field="organisation")
            .select_related("shift", "shift__roster", "from_user", "to_user").filter(pk=pk)
            .first())


def roster_swaps(*, roster: DutyRoster) -> list[DutySwap]:
    return list(DutySwap.objects.filter(shift__roster=roster)
                .select_related("shift", "from_user", "to_user", "decided_by")
                .order_by("-created")[:50])


def swaps_to_decide(*, user: User) -> QuerySet[DutySwap] | None:
    """Swaps waiting for a roster leader who is neither party (the header queue)."""
    if not user.is_authenticated:
        return None
    led = DutyMember.objects.filter(user=user, role=DutyRole.LEADER).values("roster_id")
    return (DutySwap.objects.filter(state=SwapState.SUBMITTED, shift__roster_id__in=led)
            .exclude(from_user=user).exclude(to_user=user))


def duty_now(*, scope: Scope, now: datetime.datetime, limit: int = 8) -> list[DutyShift]:
    """The shifts on duty now in the caller's scope, the home's 今日值班 (one query)."""
    return list(DutyShift.objects.filter(
        roster__in=rosters_scoped(scope=scope), starts_at__lte=now, ends_at__gt=now)
        .select_related("roster", "roster__organisation", "leader", "officer")
        .order_by("roster__division_code", "roster_id")[:limit])


@dataclass(frozen=True)
class DutyDay:
    """Everything of one roster's day, for the daily duty report (值班日报)."""

    roster: DutyRoster
    day: datetime.date
    shifts: list[DutyShift]
    log: list[DutyLogEntry]
    handovers: list[HandoverNote]
    incidents: list


def duty_day(*, roster: DutyRoster, day: datetime.date) -> DutyDay:
    """The day's shifts, log, hand-overs and the incidents that occurred in the bureau's
    area that day (read in the bureau's own scope, not the reader's)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, zone)
    end = start + datetime.timedelta(days=1)
    division = roster.organisation.division
    area = Scope(prefix=division.code[:LEVEL_DIGITS[division.level]])
    incidents = incident_selectors.incident_list(
        scope=area, filters=incident_selectors.IncidentFilters(since=day, until=day),
        now=timezone.now())
    return DutyDay(
        roster=roster, day=day, shifts=roster_shifts(roster=roster, since=day, until=day),
        log=list(roster.log.filter(at__gte=start, at__lt=end).select_related("by", "incident")),
        handovers=list(HandoverNote.objects.filter(shift__roster=roster, shift__day=day)
                       .select_related("by", "shift")),
        incidents=list(incidents))

