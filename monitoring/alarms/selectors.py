"""Reads of the alarms slice."""

from __future__ import annotations

import copy

from django.db.models import Max
from django.urls import reverse

from geo.scope import Scope
from monitoring.alarms.events import STEP_EVENTS
from monitoring.alarms.layers import Alarms, Warnings
from monitoring.alarms.models import Alarm, AlarmStatus, AlarmStep, EarlyWarning, RuleSet
from monitoring.alarms.rules import DEFAULT


def ruleset_current(*, area: str) -> RuleSet | None:
    """The newest rule set version stored for exactly `area`."""
    return RuleSet.objects.filter(area=area).order_by("-version").first()


def rules_default() -> dict:
    """A copy of the built-in rule document (where no area has its own)."""
    return copy.deepcopy(DEFAULT)


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
