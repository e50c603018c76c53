"""The figures of one report, read in the subject's own scope (a division: its prefix; an
enterprise: its division code, then its own rows) through the selectors of the slices
that own them — alarms and grading, warnings, commitments, online rate, dynamic risk.
The result is plain JSON: it is kept with the report, and the PDF and the preview are
drawn from it, so what the list shows and what the PDF says cannot differ.

Levels: a province report's rows are its cities, a city's its counties, a county's or a
park's its enterprises (geo.regions); an enterprise report has no rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, timedelta

from django.utils import timezone

from geo.regions import LEVELS, level_below
from geo.scope import Scope
from monitoring.alarms.selectors import (
    GradingRow,
    Period,
    alarm_counts,
    alarms_grading,
    warning_stats,
)
from monitoring.commitments.selectors import DayFilter, commitment_day_counts, commitment_day_rows
from monitoring.operation.selectors import OperationRow, operation_rows
from monitoring.reports.models import ReportKind
from monitoring.reports.periods import bounds, days
from monitoring.reports.selectors import Subject
from monitoring.risk.selectors import (
    enterprise_risk_history,
    enterprise_risk_scoped,
    region_risk_history,
    region_risk_scoped,
)

RISK_DAYS_OF_A_DAILY = 7  # a daily report's risk trend: the week up to its day
STATUSES = ("reported", "late", "missing", "pending")


def report_figures(*, subject: Subject, kind: str, start: date, end: date,
                   now: datetime) -> dict:
    """Every figure of the report of `subject` over the local days start..end, as of
    `now` (deadlines and online time count up to then)."""
    scope = Scope(prefix=subject.prefix)
    period = bounds(start, end)
    level = "enterprise" if subject.enterprise_id else level_below(subject.prefix, list(LEVELS))
    grading = alarms_grading(scope=scope, level=level, period=period, now=now,
                             within=subject.prefix)
    online = operation_rows(scope=scope, level=level, start=period.start, end=period.end,
                            now=now, within=subject.prefix)
    if subject.enterprise_id:
        grading = [r for r in grading if r.key == str(subject.enterprise_id)]
        online = [r for r in online if r.key == str(subject.enterprise_id)]
    risk_from = end - timedelta(days=RISK_DAYS_OF_A_DAILY - 1) \
        if kind == ReportKind.DAILY else start
    risk = _risk(scope, subject, risk_from, end)
    # the children's scores of the subject's latest scored day (a running period's end
    # has none yet)
    risk_day = date.fromisoformat(risk["days"][-1][0]) if risk["days"] else end
    return {
        "alarms": _alarms(scope, period, subject),
        "grading": _grading(_grading_total(grading)),
        "warnings": _warnings(scope, period, subject),
        "commitments": _commitments(scope, subject, start, end, now),
        "online": _online(online),
        "risk": risk,
        "children": [] if subject.enterprise_id else
        _children(scope, level, grading, online, risk_day),
        "child_level": "" if subject.enterprise_id else level,
        "as_of": now.isoformat(),
    }


def _alarms(scope: Scope, period: Period, subject: Subject) -> dict:
    counts = alarm_counts(scope=scope, period=period, within=subject.prefix,
                          enterprise_id=subject.enterprise_id)
    by_level, by_kind = Counter(), Counter()
    for (level, kind), n in counts.items():
        by_level[str(level)] += n
        by_kind[kind] += n
    return {"total": sum(counts.values()),
            "by_level": {str(n): by_level[str(n)] for n in (1, 2, 3, 4)},
            "by_kind": dict(sorted(by_kind.items()))}


def _grading_total(rows: list[GradingRow]) -> GradingRow:
    """The rows summed: counts add up, the mean release time is weighted by releases."""
    def total(name: str) -> int:
        return sum(getattr(r, name) for r in rows)

    released = total("released")
    release = sum((r.release_seconds or 0) * r.released for r in rows)
    return GradingRow("", "", total("alarms"), total("sensor_alarms"), total("sensors"),
                      total("due"), total("on_time"), total("repeated"), released,
                      release / released if released else None, total("handled"),
                      total("false_alarms"))


def _grading(row: GradingRow) -> dict:
    keep = ("alarms", "sensor_alarms", "sensors", "due", "on_time", "repeated", "released",
            "handled", "false_alarms")
    return {**{k: getattr(row, k) for k in keep}, "timely_rate": row.timely_rate,
            "alarms_per_sensor": row.alarms_per_sensor, "repeat_rate": row.repeat_rate,
            "release_minutes": row.release_minutes, "false_rate": row.false_rate}


def _warnings(scope: Scope, period: Period, subject: Subject) -> dict:
    levels = warning_stats(scope=scope, period=period, within=subject.prefix,
                           enterprise_id=subject.enterprise_id)
    closed = sum(s.closed for s in levels)
    spent = sum((s.mean_seconds or 0) * s.closed for s in levels)
    longest = [s.max_seconds for s in levels if s.max_seconds is not None]
    return {"levels": [{**asdict(s), "mean_minutes": _minutes(s.mean_seconds),
                        "max_minutes": _minutes(s.max_seconds)} for s in levels],
            "total": sum(s.raised for s in levels), "closed": closed,
            "mean_minutes": _minutes(spent / closed) if closed else None,
            "max_minutes": _minutes(max(longest)) if longest else None}


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _commitments(scope: Scope, subject: Subject, start: date, end: date,
                 now: datetime) -> dict:
    """Statuses per day of the obliged enterprises (one query per day, the commitments
    slice's rules); an enterprise's own status each day."""
    where = DayFilter(prefix=subject.prefix)
    per_day = []
    today = timezone.localtime(now).date()  # a period still running counts up to today
    for day in days(start, min(end, today)):
        if subject.enterprise_id:
            rows = commitment_day_rows(scope=scope, day=day, now=now, where=where)
            counts = Counter(r["status"] for r in rows
                             if r["enterprise_id"] == subject.enterprise_id)
        else:
            counts = commitment_day_counts(scope=scope, day=day, now=now, where=where)
        per_day.append([day.isoformat(), *(counts.get(s, 0) for s in STATUSES)])
    totals = {s: sum(d[i + 1] for d in per_day) for i, s in enumerate(STATUSES)}
    return {"days": per_day, **totals, "obliged": sum(totals.values())}


def _online(rows: list[OperationRow]) -> dict:
    gateways = sum(r.gateways for r in rows)
    down = sum(r.down_seconds for r in rows)
    span = rows[0].span_seconds if rows else 0.0
    return {"gateways": gateways, "down_hours": round(down / 3600, 2),
            "rate": 1 - down / (gateways * span) if gateways and span > 0 else None}


def _risk(scope: Scope, subject: Subject, start: date, end: date) -> dict:
    if subject.enterprise_id:
        rows = enterprise_risk_history(scope=scope, enterprise_id=subject.enterprise_id)
    else:
        rows = region_risk_history(scope=scope, code=subject.code)
    series = [[d.isoformat(), score, level] for d, score, level in
              rows.filter(day__gte=start, day__lte=end).order_by("day")
              .values_list("day", "score", "level")]
    return {"from": start.isoformat(), "to": end.isoformat(), "days": series,
            "last": series[-1][1] if series else None,
            "level": series[-1][2] if series else None}


def _children(scope: Scope, level: str, grading: list[GradingRow],
              online: list[OperationRow], day: date) -> list[dict]:
    """One row per child (division or enterprise) with alarms or gateways, by key."""
    names = {r.key: r.name for r in [*grading, *online]}
    graded = {r.key: r for r in grading}
    rates = {r.key: r.rate for r in online}
    if level == "enterprise":
        risk = dict(enterprise_risk_scoped(scope=scope, day=day).filter(
            enterprise_id__in=[int(k) for k in names]).values_list("enterprise_id", "score"))
        risk = {str(k): v for k, v in risk.items()}
    else:
        codes = {k.ljust(12, "0"): k for k in names}
        risk = {codes[c]: v for c, v in region_risk_scoped(scope=scope, day=day).filter(
            code__in=list(codes)).values_list("code", "score")}
    return [{"key": k, "name": names[k],
             "alarms": graded[k].alarms if k in graded else 0,
             "timely_rate": graded[k].timely_rate if k in graded else None,
             "online_rate": rates.get(k), "risk": risk.get(k)} for k in sorted(names)]
