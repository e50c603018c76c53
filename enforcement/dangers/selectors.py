"""Reads of hidden dangers (隐患), always in the caller's scope (`geo.scope`): the list and
its filters, one danger, an enterprise's, the work queues, overdue ones and the precise
enforcement candidates (精准执法)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.dangers.check_models import Checklist, ChecklistItem, CheckRecord, CheckTask
from enforcement.dangers.models import (
    OPEN_STATES,
    UNRECTIFIED_STATES,
    DangerLevel,
    DangerSource,
    DangerState,
    HiddenDanger,
    Supervision,
)
from geo import authority
from geo.models import User
from geo.places import owned_filter
from geo.scope import Scope
from registry.enterprises.selectors import enterprises_scoped


@dataclass(frozen=True)
class DangerFilters:
    level: str = ""
    state: str = ""
    overdue: bool = False
    division: str = ""      # a division code prefix inside the caller's scope
    enterprise: int | None = None
    q: str = ""


def dangers_scoped(*, scope: Scope) -> QuerySet[HiddenDanger]:
    return owned_filter(HiddenDanger.objects.all(), scope)


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Not yet handed in for acceptance and past its deadline, or past the department's
    supervision deadline (督办期限); `prefix` reaches the dangers through a relation."""
    def q(**terms) -> Q:
        return Q(**{prefix + name: value for name, value in terms.items()})

    return q(state__in=UNRECTIFIED_STATES) & (
        q(deadline__lt=today) | q(supervision=Supervision.SUPERVISED,
                                  supervision_deadline__lt=today))


def danger_list(*, scope: Scope, filters: DangerFilters,
                today: datetime.date | None = None) -> QuerySet[HiddenDanger]:
    today = today or timezone.localdate()
    qs = dangers_scoped(scope=scope).select_related("enterprise")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.division:
        qs = qs.filter(division_code__startswith=filters.division)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(enterprise__name__icontains=filters.q))
    return qs.defer("geom")


def danger_state_counts(*, scope: Scope, today: datetime.date | None = None) -> dict[str, int]:
    """Counts by state, of the open major ones and of the overdue ones, in one query."""
    today = today or timezone.localdate()
    counts = {state: Count("pk", filter=Q(state=state)) for state in DangerState.values}
    return dangers_scoped(scope=scope).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=overdue_q(today)),
        major_open=Count("pk", filter=Q(level=DangerLevel.MAJOR, state__in=OPEN_STATES)),
        **counts)


def danger_get(*, scope: Scope, pk: int) -> HiddenDanger | None:
    return (dangers_scoped(scope=scope)
            .select_related("enterprise", "registered_by", "accepted_by", "supervised_by")
            .prefetch_related("photos", "steps__user").filter(pk=pk).first())


def danger_photo_get(*, scope: Scope, danger_id: int, photo_id: int):
    danger = dangers_scoped(scope=scope).filter(pk=danger_id).first()
    return danger.photos.filter(pk=photo_id).first() if danger else None


def enterprise_dangers(*, scope: Scope, enterprise, limit: int = 20) -> list[HiddenDanger]:
    """The enterprise's open dangers first, then the latest others (its file's section)."""
    qs = dangers_scoped(scope=scope).filter(enterprise=enterprise)
    return list(qs.order_by("tone", "-registered_at", "-pk")[:limit])


def is_overdue(danger: HiddenDanger, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    if danger.state not in UNRECTIFIED_STATES:
        return False
    return bool((danger.deadline and danger.deadline < today)
                or (danger.supervision == Supervision.SUPERVISED
                    and danger.supervision_deadline and danger.supervision_deadline < today))


# ---- from a monitoring warning ----------------------------------------------------------
def danger_of_warning(*, warning_id: int) -> HiddenDanger | None:
    """The danger a warning was already turned into (by anyone: one warning, one danger)."""
    return HiddenDanger.objects.filter(warning_id=warning_id).order_by("pk").first()


def warning_prefill(warning) -> dict:
    """What a warning (read in scope by `monitoring.alarms.selectors.warning_get`) gives
    its hidden danger: place, words and source."""
    raised = timezone.localtime(warning.raised_at).strftime("%Y-%m-%d %H:%M")
    return {"name": warning.title[:200], "source": DangerSource.MONITORING,
            "geom": warning.geom,
            "description": _("%(at)s %(level)s：%(title)s。定级依据：%(reason)s") % {
                "at": raised, "level": warning.get_level_display(), "title": warning.title,
                "reason": warning.reason}}


# ---- work queues (geo.queues) -----------------------------------------------------------
def dangers_to_confirm(*, user: User) -> QuerySet[HiddenDanger] | None:
    """Major dangers handed in for acceptance that `user`'s department decides."""
    return authority.decidable(user, HiddenDanger.objects.filter(
        level=DangerLevel.MAJOR, state=DangerState.AWAITING))


def dangers_to_work(*, user: User) -> QuerySet[HiddenDanger] | None:
    """The enterprise's dangers waiting for its own step: to grade, to rectify, to accept
    (general ones) and to close."""
    rows = authority.owned_rows(user, HiddenDanger.objects.all())
    if rows is None:
        return None
    return rows.filter(Q(state__in=(DangerState.REGISTERED, DangerState.GRADED,
                                    DangerState.RECTIFYING))
                       | Q(level=DangerLevel.GENERAL,
                           state__in=(DangerState.AWAITING, DangerState.ACCEPTED)))


def dangers_overdue_supervised(*, user: User, today: datetime.date | None = None
                               ) -> QuerySet[HiddenDanger] | None:
    """Overdue major dangers a supervisor watches over (督办)."""
    rows = authority.decidable(user, HiddenDanger.objects.filter(level=DangerLevel.MAJOR))
    return rows.filter(overdue_q(today or timezone.localdate())) if rows is not None else None


# ---- 精准执法 ---------------------------------------------------------------------------------
def precise_enforcement_candidates(*, scope: Scope, today: datetime.date | None = None):
    """Enterprises in scope with an overdue major hidden danger: candidates for the next
    inspection plan (the risk slice adds "missing control measures" as its own term)."""
    today = today or timezone.localdate()
    overdue = HiddenDanger.objects.filter(overdue_q(today), enterprise=OuterRef("pk"),
                                          level=DangerLevel.MAJOR)
    return (enterprises_scoped(scope=scope).filter(Exists(overdue))
            .annotate(overdue_major=Count("hidden_dangers", filter=Q(
                hidden_dangers__level=DangerLevel.MAJOR) & overdue_q(
                    today, "hidden_dangers__")))
            .order_by("-overdue_major", "name"))


# ---- checklists, check tasks and records (排查) ------------------------------------------
def checklists_for(enterprise) -> list[Checklist]:
    """Active checklists that apply to the enterprise's industry (or to every industry)."""
    rows = Checklist.objects.filter(active=True).order_by("category", "name")
    industry = enterprise.industry or ""
    return [c for c in rows if not c.industries
            or any(industry.startswith(code) for code in c.industries)]


def checklist_items(*, checklist_id: int) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(checklist_id=checklist_id)
                .order_by("order", "code"))


def check_tasks_scoped(*, scope: Scope) -> QuerySet[CheckTask]:
    return owned_filter(CheckTask.objects.all(), scope)


def check_task_list(*, scope: Scope, enterprise=None) -> QuerySet[CheckTask]:
    qs = check_tasks_scoped(scope=scope).select_related("enterprise", "checklist")
    return qs.filter(enterprise=enterprise) if enterprise is not None else qs


def check_task_get(*, scope: Scope, pk: int) -> CheckTask | None:
    return (check_tasks_scoped(scope=scope).select_related("enterprise", "checklist")
            .filter(pk=pk).first())


def check_records(*, task: CheckTask, limit: int = 20) -> list[CheckRecord]:
    return list(task.records.select_related("checked_by")
                .prefetch_related("results__item", "results__danger")[:limit])


def check_tasks_late(*, today: datetime.date) -> QuerySet[CheckTask]:
    """Active tasks whose check was due before today (every place: for the job runner,
    which tells each task's own people). `days_late` counts the days since it was due."""
    return (CheckTask.objects.filter(active=True, next_due__lt=today)
            .select_related("enterprise").order_by("next_due", "pk"))
