"""Reads of the alarms slice: the rule sets, and what the pages list — alarms, warnings
and suppressions in the caller's scope (`geo.places.owned_filter`, the one read gate),
and the rows of the header's work queues (`geo.authority` row sets)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate, TruncHour
from django.urls import reverse
from django.utils import timezone

from geo import authority
from geo.models import User
from geo.places import owned_filter
from geo.scope import Scope
from layers.selectors import division_trail  # noqa: F401 (the pages' crumbs: one reader)
from monitoring.alarms import metrics
from monitoring.alarms.events import STEP_EVENTS
from monitoring.alarms.layers import Alarms, Warnings
from monitoring.alarms.metrics import GradingRow, Period, SensorFalseAlarms
from monitoring.alarms.models import (
    ALARM_LEVEL_LABELS,
    Alarm,
    AlarmKind,
    AlarmPhoto,
    AlarmStatus,
    AlarmStep,
    AlertPreference,
    EarlyWarning,
    RuleSet,
    Suppression,
    SuppressionState,
    WarningLevel,
    WarningRecipient,
)
from monitoring.alarms.rules import DEFAULT
from monitoring.devices.models import Sensor

# The statuses after which nothing is left to do (解除, or kept silent by a suppression).
CLOSED = (AlarmStatus.RELEASED, AlarmStatus.SUPPRESSED)
# What waits for the enterprise: to sign for (签收), to handle (处置反馈).
TO_ACKNOWLEDGE = (AlarmStatus.RAISED, AlarmStatus.PUSHED)
TO_HANDLE = (AlarmStatus.ACKNOWLEDGED, AlarmStatus.RETURNED)


def ruleset_current(*, area: str) -> RuleSet | None:
    """The newest rule set version stored for exactly `area`."""
    return RuleSet.objects.filter(area=area).order_by("-version").first()


def rules_default() -> dict:
    """A copy of the built-in rule document (where no area has its own)."""
    return copy.deepcopy(DEFAULT)


# ---- alarms --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AlarmFilters:
    statuses: tuple[str, ...] = ()
    level: int | None = None
    kind: str = ""
    enterprise_id: int | None = None
    open: bool | None = None     # True: not yet released, False: released or suppressed
    start: date | None = None    # raised on or after this local day
    end: date | None = None      # raised on or before this local day


def alarms_scoped(*, scope: Scope) -> QuerySet[Alarm]:
    return owned_filter(Alarm.objects.all(), scope)


def alarm_list(*, scope: Scope, filters: AlarmFilters) -> QuerySet[Alarm]:
    """The caller's alarms matching `filters`, newest first, with what a row shows."""
    return _filtered(alarms_scoped(scope=scope), filters) \
        .select_related("enterprise", "sensor", "warning") \
        .defer("geom", "enterprise__geom", "sensor__geom", "warning__geom") \
        .order_by("-raised_at", "-pk")


def alarm_status_counts(*, scope: Scope, filters: AlarmFilters) -> dict[str, int]:
    """Status -> number of the caller's alarms matching every filter but the status."""
    rows = _filtered(alarms_scoped(scope=scope), filters, statuses=False) \
        .order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def alarm_enterprises(*, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of the enterprises the caller's alarms belong to, for the filter."""
    return list(alarms_scoped(scope=scope).order_by("enterprise__name")
                .values_list("enterprise_id", "enterprise__name").distinct())


def _filtered(qs: QuerySet[Alarm], f: AlarmFilters, *, statuses: bool = True) -> QuerySet:
    if statuses and f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.level is not None:
        qs = qs.filter(level=f.level)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.enterprise_id is not None:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    if f.open is not None:
        qs = qs.exclude(status__in=CLOSED) if f.open else qs.filter(status__in=CLOSED)
    if f.start is not None:
        qs = qs.filter(raised_at__gte=_day_start(f.start))
    if f.end is not None:
        qs = qs.filter(raised_at__lt=_day_start(f.end, next_day=True))
    return qs


def _day_start(day: date, *, next_day: bool = False) -> datetime:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start + timedelta(days=1) if next_day else start


def open_alarms_sql() -> str:
    """The alarms still open (neither released nor suppressed), as the text of a subquery
    `(enterprise_id, level, raised_at, handled_at)`, for set-based reads over every
    enterprise at once (the dynamic risk run); unscoped, the caller's statement scopes."""
    closed = ", ".join(f"'{s}'" for s in CLOSED)
    return (f'SELECT enterprise_id, level, raised_at, handled_at FROM "{Alarm._meta.db_table}" '
            f"WHERE status NOT IN ({closed})")


def open_warnings_sql() -> str:
    """The warnings not closed, as a subquery `(enterprise_id, level)` (see above)."""
    return (f'SELECT enterprise_id, level FROM "{EarlyWarning._meta.db_table}" '
            "WHERE closed_at IS NULL")


def alarm_get(*, scope: Scope, pk: int) -> Alarm | None:
    """One alarm the caller may read, with its timeline, photos and warning."""
    return (alarms_scoped(scope=scope)
            .select_related("enterprise", "sensor", "unit", "hazard_source", "warning",
                            "suppressed_by", "acknowledged_by", "handled_by", "released_by")
            .prefetch_related(Prefetch("steps", AlarmStep.objects.select_related("by")),
                              "photos")
            .filter(pk=pk).first())


def alarm_photo_get(*, scope: Scope, alarm_id: int, photo_id: int) -> AlarmPhoto | None:
    return AlarmPhoto.objects.filter(pk=photo_id, alarm__in=alarms_scoped(scope=scope)
                                     .filter(pk=alarm_id)).first()


def alarm_history(*, scope: Scope, alarm: Alarm, limit: int = 20) -> list[Alarm]:
    """Other alarms of the same sensor or monitored unit (报警历史), newest first."""
    same = Q(pk__in=[])
    if alarm.sensor_id:
        same |= Q(sensor_id=alarm.sensor_id)
    if alarm.unit_id:
        same |= Q(unit_id=alarm.unit_id)
    if alarm.gateway and not alarm.sensor_id and not alarm.unit_id:
        same |= Q(gateway=alarm.gateway, sensor__isnull=True)
    return list(alarms_scoped(scope=scope).filter(same).exclude(pk=alarm.pk)
                .select_related("sensor").defer("geom", "sensor__geom")
                .order_by("-raised_at")[:limit])


# ---- warnings ------------------------------------------------------------------------------
def warning_get(*, scope: Scope, pk: int) -> EarlyWarning | None:
    """One warning the caller may read, with its alarm, enterprise and who was told."""
    return (owned_filter(EarlyWarning.objects.all(), scope)
            .select_related("alarm", "alarm__sensor", "alarm__unit", "enterprise",
                            "enterprise__supervising_department", "hazard_source")
            .prefetch_related(
                Prefetch("recipients", WarningRecipient.objects.select_related("user")
                         .order_by("tier", "first_at", "user__username")),
                Prefetch("alarm__steps", AlarmStep.objects.select_related("by")))
            .filter(pk=pk).first())


def warning_sensors(*, scope: Scope, alarm: Alarm, limit: int = 12) -> list[Sensor]:
    """The sensors related to an alarm (关联点位): its own, those of its monitored unit and
    of the units of its hazard source; the alarm's own sensor first."""
    related = Q(pk=alarm.sensor_id) if alarm.sensor_id else Q(pk__in=[])
    if alarm.unit_id:
        related |= Q(unit_id=alarm.unit_id)
    if alarm.hazard_source_id:
        related |= Q(unit__hazard_source_id=alarm.hazard_source_id)
    if alarm.gateway and not alarm.sensor_id and not alarm.unit_id:
        related |= Q(gateway_id=alarm.gateway)
    rows = owned_filter(Sensor.objects.filter(related), scope).select_related("unit") \
        .order_by("unit__code", "point")[:limit]
    return sorted(rows, key=lambda s: s.pk != alarm.sensor_id)



# ---- the large screen's figures (geo.panels) -----------------------------------------------
def alarm_open_level_counts(*, scope: Scope) -> dict[int, int]:
    """Level (1 … 4) -> number of the caller's open alarms (neither released nor
    suppressed), every level present. ONE grouped query."""
    grouped = (alarms_scoped(scope=scope).exclude(status__in=CLOSED).order_by()
               .values("level").annotate(n=Count("pk")))
    counts = {level: 0 for level, _label in ALARM_LEVEL_LABELS}
    counts.update({row["level"]: row["n"] for row in grouped})
    return counts


def warning_open_counts(*, scope: Scope) -> dict[int | str, int]:
    """Level (1 红 … 4 蓝) -> number of the caller's warnings not closed, and "escalated":
    those of them escalated because nobody signed for them in time (超时升级). ONE query."""
    levels = {level: Count("pk", filter=Q(level=level)) for level in WarningLevel.values}
    found = owned_filter(EarlyWarning.objects.filter(closed_at__isnull=True), scope) \
        .aggregate(**{f"l{k}": v for k, v in levels.items()},
                   escalated=Count("pk", filter=Q(escalated_at__isnull=False)))
    return {**{level: found[f"l{level}"] for level in levels}, "escalated": found["escalated"]}


def alarms_hourly(*, scope: Scope, now: datetime, hours: int = 24) -> list[tuple[datetime, int]]:
    """(hour, alarms raised in it) of the caller's last `hours` hours up to `now`, oldest
    first, empty hours included. ONE grouped query."""
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    grouped = (alarms_scoped(scope=scope).filter(raised_at__gte=start, raised_at__lt=end)
               .order_by().annotate(hour=TruncHour("raised_at", tzinfo=UTC)).values("hour")
               .annotate(n=Count("pk")))
    counts = {row["hour"]: row["n"] for row in grouped}
    return [(hour, counts.get(hour, 0)) for hour in
            (start + timedelta(hours=i) for i in range(hours))]


def warnings_recent(*, scope: Scope, limit: int = 30) -> list[dict]:
    """The caller's newest warnings, newest first, each as the stream's `warning.raised`
    event carries it (`{"type", "at", "alarm", "warning"}`), so a page draws the rows it
    starts with and the live ones alike. ONE query."""
    rows = (Warnings.queryset(scope).select_related("alarm", "alarm__enterprise")
            .order_by("-raised_at", "-pk")[:limit])
    return [{"type": "warning.raised", "at": w.raised_at.isoformat(),
             "alarm": _alarm(w.alarm), "warning": _warning(w)} for w in rows]


# ---- suppressions --------------------------------------------------------------------------
def suppression_list(*, scope: Scope, state: str = "") -> QuerySet[Suppression]:
    qs = owned_filter(Suppression.objects.all(), scope) \
        .select_related("enterprise", "decided_by").defer("enterprise__geom") \
        .prefetch_related(Prefetch("sensors", Sensor.objects.defer("geom").order_by("point")))
    return (qs.filter(state=state) if state else qs).order_by("-starts", "-pk")


def suppression_state_counts(*, scope: Scope) -> dict[str, int]:
    rows = owned_filter(Suppression.objects.all(), scope).order_by().values("state") \
        .annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def suppression_get(*, scope: Scope, pk: int) -> Suppression | None:
    return owned_filter(Suppression.objects.all(), scope).select_related("enterprise") \
        .filter(pk=pk).first()


def suppression_sensors(*, scope: Scope) -> QuerySet[Sensor]:
    """The sensors a suppression may name: the caller's own enterprise's, in use."""
    return owned_filter(Sensor.objects.filter(in_use=True), scope).defer("geom") \
        .order_by("point")


# ---- preferences ---------------------------------------------------------------------------
def alert_preference_get(*, user: User) -> AlertPreference:
    """The user's channels (an unsaved default row when they never chose)."""
    return AlertPreference.objects.filter(user=user).first() or AlertPreference(user=user)


# ---- the header's work queues (geo.queues) -------------------------------------------------
def alarms_to_acknowledge(*, user: User) -> QuerySet[Alarm] | None:
    """The user's enterprise's alarms not yet signed for: /monitoring/alarms/?status=…"""
    return authority.owned_rows(user, Alarm.objects.filter(status__in=TO_ACKNOWLEDGE))


def alarms_to_handle(*, user: User) -> QuerySet[Alarm] | None:
    """Signed for or returned, waiting for the enterprise's handling report."""
    return authority.owned_rows(user, Alarm.objects.filter(status__in=TO_HANDLE))


def alarms_awaiting_release(*, user: User) -> QuerySet[Alarm] | None:
    """Handled alarms a supervisor over them may release or return."""
    return authority.decidable(user, Alarm.objects.filter(status=AlarmStatus.HANDLED))


def suppressions_to_decide(*, user: User) -> QuerySet[Suppression] | None:
    return authority.decidable(user, Suppression.objects.filter(
        state=SuppressionState.SUBMITTED))


# ---- grading ---------------------------------------------------------------------------------
def alarms_grading(*, scope: Scope, level: str, period: Period, now: datetime,
                   within: str = "") -> list[GradingRow]:
    """Alarm-handling grading (报警处置考核) of every enterprise, county, city or province
    (`level`) under the prefix `within`, in scope (`metrics.grading_rows`)."""
    return metrics.grading_rows(scope=scope, level=level, period=period, now=now,
                                within=within)


def alarm_counts(*, scope: Scope, period: Period, within: str = "",
                 enterprise_id: int | None = None) -> dict[tuple[int, str], int]:
    """(level, kind) -> alarms raised in the period in scope under `within` (suppressed
    ones left out, as the grading counts them). One grouped query."""
    rows = _period_rows(alarms_scoped(scope=scope), period, within, enterprise_id) \
        .exclude(status=AlarmStatus.SUPPRESSED).order_by().values("level", "kind") \
        .annotate(n=Count("pk"))
    return {(r["level"], r["kind"]): r["n"] for r in rows}


@dataclass(frozen=True)
class WarningLevelStats:
    """Warnings of one level (红橙黄蓝 1–4) raised in a period: how many, how many closed
    since, and the handling time (raised → closed) of the closed ones."""

    level: int
    raised: int
    closed: int
    mean_seconds: float | None
    max_seconds: float | None


def warning_stats(*, scope: Scope, period: Period, within: str = "",
                  enterprise_id: int | None = None) -> list[WarningLevelStats]:
    """Levels 1–4 (zeros included) of the warnings raised in the period in scope under
    `within`. One grouped query."""
    took = ExpressionWrapper(F("closed_at") - F("raised_at"), output_field=DurationField())
    rows = _period_rows(owned_filter(EarlyWarning.objects.all(), scope), period, within,
                        enterprise_id).order_by().values("level").annotate(
        n=Count("pk"), closed=Count("closed_at"), mean=Avg(took), longest=Max(took))
    found = {r["level"]: r for r in rows}
    return [WarningLevelStats(n, found[n]["n"], found[n]["closed"],
                              _seconds(found[n]["mean"]), _seconds(found[n]["longest"]))
            if n in found else WarningLevelStats(n, 0, 0, None, None) for n in (1, 2, 3, 4)]


def alarm_labels() -> tuple[dict[int, str], dict[str, str], dict[int, str]]:
    """What people read for alarm levels, alarm kinds and warning levels (红橙黄蓝)."""
    return (dict(ALARM_LEVEL_LABELS), dict(AlarmKind.choices), dict(WarningLevel.choices))


def _period_rows(qs: QuerySet, period: Period, within: str,
                 enterprise_id: int | None) -> QuerySet:
    qs = qs.filter(raised_at__gte=period.start, raised_at__lt=period.end,
                   division_code__startswith=within)
    return qs if enterprise_id is None else qs.filter(enterprise_id=enterprise_id)


def _seconds(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds()


def sensors_false_alarms(*, scope: Scope, period: Period, within: str = "",
                         limit: int = 10) -> list[SensorFalseAlarms]:
    """The sensors with the most false alarms (误报) in the period, in scope."""
    return metrics.false_alarm_sensors(scope=scope, period=period, within=within, limit=limit)


def grading_levels(*, scope: Scope) -> list[str]:
    """The aggregation levels a caller may grade at: from their own level down to the
    enterprise (an enterprise or park user grades enterprises only)."""
    if scope.everything:
        return list(metrics.LEVELS)
    top = len(scope.prefix) if scope.prefix is not None else 99
    return [name for name, digits in metrics.LEVELS.items() if digits is None or digits >= top]


# ---- the event stream's reads (ADR 0018) ---------------------------------------------------

def _event_steps(scope: Scope):
    """Steps that are events, of alarms the caller may read (the alarms layer's scope);
    the events of a suppressed alarm are never shown, live or replayed."""
    visible = Alarms.queryset(scope).exclude(status=AlarmStatus.SUPPRESSED)
    return AlarmStep.objects.filter(step__in=list(STEP_EVENTS), alarm__in=visible.values("pk"))


def events_read(*, scope: Scope, ids: list[int]) -> list[dict]:
    """The events of these step ids that `scope` may see, in id order, read afresh (the
    notification's payload decides nothing)."""
    steps = _event_steps(scope).filter(pk__in=ids)
    return _rendered(scope, steps.order_by("pk"))


def events_after(*, scope: Scope, after: int, limit: int) -> tuple[list[dict], bool]:
    """Up to `limit` events after step id `after`, oldest first, and whether more were
    missed than that (then only the newest `limit` are returned)."""
    newest = list(_event_steps(scope).filter(pk__gt=after).order_by("-pk")[:limit + 1])
    truncated = len(newest) > limit
    return _rendered(scope, newest[:limit][::-1]), truncated


def events_last_id(*, scope: Scope) -> int:
    """The id of the newest event `scope` may see (0: none yet): where a new stream
    starts, so a client that reconnects resumes from here."""
    return _event_steps(scope).aggregate(m=Max("pk"))["m"] or 0


def _rendered(scope: Scope, steps) -> list[dict]:
    steps = list(steps)
    alarms = {a.pk: a for a in Alarms.queryset(scope).filter(
        pk__in={s.alarm_id for s in steps}).select_related("enterprise")}
    warnings = {w.alarm_id: w for w in Warnings.queryset(scope).filter(
        alarm_id__in=list(alarms))}
    out = []
    for step in steps:
        kind = STEP_EVENTS[step.step]
        alarm, warning = alarms.get(step.alarm_id), warnings.get(step.alarm_id)
        if alarm is None or (kind.startswith("warning.") and warning is None):
            continue
        out.append({"id": step.pk, "type": kind, "step": step.step,
                    "at": step.at.isoformat(), "alarm": _alarm(alarm),
                    "warning": _warning(warning) if warning else None})
    return out


def _alarm(a: Alarm) -> dict:
    return {"id": a.pk, "kind": a.kind, "level": a.level, "status": a.status,
            "title": a.title, "value": a.value, "peak": a.peak, "threshold": a.threshold,
            "raised_at": _iso(a.raised_at), "cleared_at": _iso(a.cleared_at),
            "enterprise": {"id": a.enterprise_id, "name": a.enterprise.name},
            "division_code": a.division_code, "lon": a.geom.x, "lat": a.geom.y,
            "url": reverse("alarms:alarm", args=[a.pk])}


def _warning(w: EarlyWarning) -> dict:
    return {"id": w.pk, "level": w.level, "title": w.title, "reason": w.reason,
            "raised_at": _iso(w.raised_at), "upgraded_at": _iso(w.upgraded_at),
            "closed_at": _iso(w.closed_at), "tier": w.tier, "lon": w.geom.x, "lat": w.geom.y,
            "url": reverse("alarms:warning", args=[w.pk])}


def _iso(t) -> str | None:
    return t.isoformat() if t else None


# ---- the workbench (geo.home) ----------------------------------------------------------------
def warnings_open_recent(*, scope: Scope, limit: int) -> list[EarlyWarning]:
    """The newest warnings not closed in scope, with their enterprise's name."""
    return list(owned_filter(EarlyWarning.objects.filter(closed_at__isnull=True), scope)
                .select_related("enterprise").only("pk", "level", "title", "raised_at",
                                                   "enterprise__name")
                .order_by("-raised_at", "-pk")[:limit])


def open_warning_levels(*, scope: Scope) -> dict[int, int]:
    """Level (红橙黄蓝 1–4) -> warnings not closed in scope. One grouped query."""
    rows = owned_filter(EarlyWarning.objects.filter(closed_at__isnull=True), scope) \
        .order_by().values_list("level").annotate(n=Count("pk"))
    return dict(rows)


def alarms_by_day(*, scope: Scope, since: date) -> dict[date, int]:
    """Day -> alarms raised that day in scope since `since` (local days). One query."""
    rows = alarms_scoped(scope=scope).filter(raised_at__gte=_day_start(since)).order_by() \
        .annotate(day=TruncDate("raised_at", tzinfo=timezone.get_current_timezone())) \
        .values_list("day").annotate(n=Count("pk"))
    return dict(rows)
