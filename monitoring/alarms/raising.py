"""Alarms opened, raised, cleared and reopened, and their warnings graded and pushed.

Noise control lives here: one open alarm per key (de-duplication); a key that clears and
comes back within the flap window reopens its alarm and counts a flap instead of making
a new one (flap suppression); an alarm inside an approved maintenance window or on a
whitelist (`Suppression`) is kept as suppressed and neither graded nor pushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from monitoring.alarms import events
from monitoring.alarms.grading import alarm_grade
from monitoring.alarms.models import (
    OPEN,
    Alarm,
    AlarmStatus,
    AlarmStep,
    EarlyWarning,
    Step,
    Suppression,
    SuppressionState,
)
from monitoring.alarms.routing import warnings_push
from monitoring.alarms.rules import Rules, rules_for


@dataclass
class Raise:
    """What a rule found: the alarm's key and what the alarm says."""

    key: str
    kind: str
    level: int
    at: datetime
    title: str
    enterprise_id: int
    division_code: str
    organisation_id: int | None
    geom: object
    rules: Rules
    direction: str = ""
    value: float | None = None
    threshold: float | None = None
    sensor_id: int | None = None
    unit_id: int | None = None
    hazard_source_id: int | None = None
    gateway: str = ""


def alarm_raise(r: Raise, *, now: datetime) -> Alarm | None:
    """Open (or reopen, or make worse) the alarm of `r.key`; returns the alarm when it is
    new, reopened or more severe than it was (what has to be graded again)."""
    alarm = Alarm.objects.filter(OPEN, key=r.key).select_for_update().first()
    if alarm is not None and alarm.direction != r.direction:
        alarm_clear(r.key, at=r.at, now=now)  # a jump from high to low: a new alarm
        alarm = None
    if alarm is not None:
        return _worse(alarm, r)
    flap = timedelta(seconds=r.rules.doc["flap_window"])
    alarm = Alarm.objects.filter(key=r.key, cleared_at__gte=r.at - flap,
                                 direction=r.direction) \
        .exclude(status=AlarmStatus.RELEASED).order_by("-cleared_at").first()
    if alarm is not None:
        alarm.cleared_at, alarm.flaps = None, alarm.flaps + 1
        _worse(alarm, r, also=["cleared_at", "flaps"])
        _step(alarm, Step.REOPENED, now, note=_value_note(r.value))
        return alarm
    return _new(r, now)


def alarm_clear(key: str, *, at: datetime, now: datetime) -> Alarm | None:
    alarm = Alarm.objects.filter(OPEN, key=key).first()
    if alarm is None:
        return None
    alarm.cleared_at = max(at, alarm.raised_at)
    alarm.save(update_fields=["cleared_at"])
    _step(alarm, Step.CLEARED, now)
    return alarm


def alarms_grade(alarms: list[Alarm], *, now: datetime) -> int:
    """Grade alarms (new, reopened, worse, or lasting longer), make or raise their
    warnings and push the new and upgraded ones; returns the messages sent."""
    to_push: list[tuple[EarlyWarning, Rules, str]] = []
    for alarm in alarms:
        if alarm.status == AlarmStatus.SUPPRESSED or alarm.status == AlarmStatus.RELEASED:
            continue
        rules = rules_for(alarm.division_code)
        hazard = alarm.hazard_source.level if alarm.hazard_source_id else None
        graded = alarm_grade(alarm, rules, now=now, hazard_level=hazard)
        if graded is None:
            continue
        warning, step = _warning(alarm, rules, graded, now)
        if step:
            to_push.append((warning, rules, step))
    sent = 0
    for step in (Step.PUSHED, Step.UPGRADED):
        batch = [(w, r) for w, r, s in to_push if s == step]
        sent += warnings_push(batch, now=now, step=step)
    for warning, _rules, step in to_push:
        _pushed(warning.alarm, step, now)
    return sent


def _warning(alarm: Alarm, rules: Rules, graded: tuple[int, str], now: datetime
             ) -> tuple[EarlyWarning, str | None]:
    level, reason = graded
    warning = EarlyWarning.objects.filter(alarm=alarm).first()
    if warning is None:
        warning = EarlyWarning.objects.create(
            alarm=alarm, enterprise_id=alarm.enterprise_id,
            hazard_source_id=alarm.hazard_source_id, level=level, title=alarm.title,
            reason=reason, rules_version=rules.version, raised_at=now,
            division_code=alarm.division_code, organisation_id=alarm.organisation_id,
            geom=alarm.geom)
        return warning, Step.PUSHED
    if level >= warning.level:
        return warning, None
    warning.level, warning.reason, warning.upgraded_at = level, reason, now
    warning.rules_version, warning.title = rules.version, alarm.title
    warning.save(update_fields=["level", "reason", "upgraded_at", "rules_version", "title"])
    return warning, Step.UPGRADED


def _pushed(alarm: Alarm, step: str, now: datetime) -> None:
    if alarm.status == AlarmStatus.RAISED:
        alarm.status, alarm.pushed_at = AlarmStatus.PUSHED, now
        alarm.save(update_fields=["status", "pushed_at"])
    _step(alarm, step, now, note=alarm.warning.get_level_display())


def _worse(alarm: Alarm, r: Raise, also: list[str] | None = None) -> Alarm | None:
    fields = list(also or [])
    if r.value is not None:
        peak = alarm.peak if alarm.peak is not None else r.value
        alarm.peak = max(peak, r.value) if r.direction != "low" else min(peak, r.value)
        fields.append("peak")
    worse = r.level < alarm.level
    if worse:
        alarm.level, alarm.title, alarm.threshold = r.level, r.title, r.threshold
        fields += ["level", "title", "threshold"]
    if fields:
        alarm.save(update_fields=fields)
    return alarm if worse or also else None


def _new(r: Raise, now: datetime) -> Alarm:
    suppression = _suppression(r)
    alarm = Alarm.objects.create(
        key=r.key, kind=r.kind, level=r.level, direction=r.direction, sensor_id=r.sensor_id,
        unit_id=r.unit_id, hazard_source_id=r.hazard_source_id, gateway=r.gateway,
        enterprise_id=r.enterprise_id, division_code=r.division_code,
        organisation_id=r.organisation_id, title=r.title, value=r.value, peak=r.value,
        threshold=r.threshold, rules_version=r.rules.version, raised_at=r.at, received_at=now,
        geom=r.geom, suppressed_by=suppression,
        status=AlarmStatus.SUPPRESSED if suppression else AlarmStatus.RAISED)
    _step(alarm, Step.RAISED, now, note=_value_note(r.value))
    if suppression:
        _step(alarm, Step.SUPPRESSED, now, note=str(suppression))
    return alarm


def _suppression(r: Raise) -> Suppression | None:
    if r.sensor_id is None:
        return None
    found = Suppression.objects.filter(state=SuppressionState.APPROVED, sensors=r.sensor_id,
                                       starts__lte=r.at, ends__gte=r.at) \
        .filter(Q(alarm_kinds=[]) | Q(alarm_kinds__contains=[r.kind]))
    return found.order_by("starts").first()


def _step(alarm: Alarm, step: str, at: datetime, *, by=None, note: str = "") -> None:
    made = AlarmStep.objects.create(alarm=alarm, step=step, at=at, by=by, note=note[:500])
    events.steps_publish([made])  # an event when the batch commits (ADR 0018)


def _value_note(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
