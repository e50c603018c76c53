"""Grading of alarm-handling performance (报警处置考核): 消警处置及时率, 点位平均报警次数,
重复报警率, 平均消警时长 and 误报率 per enterprise, county, city or province, over a
period, in the caller's scope. The definitions are in this slice's README ("Grading").

Each aggregation level is ONE grouped SQL statement (never a query per enterprise): the
alarms raised in the period and the sensors in use, both filtered by their layers'
`scope_sql` (geo.scope), grouped by the enterprise or by a division-code prefix (2, 4 or 6
digits), joined. The deadlines and the repeat window are rule data (`rules.py`,
`assessment`): each alarm is judged by the terms of the rule set version it was raised
under, passed to the statement as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from geo.models import Division
from geo.regions import LEVELS
from geo.scope import Scope
from layers.base import registry
from monitoring.alarms.models import Alarm, AlarmStatus, RuleSet
from monitoring.alarms.rules import DEFAULT, version_label

# Aggregation levels and the division-code digits they group by (None: the enterprise).
# The enterprise's handling report was given and not sent back (退回 resets it).
_HANDLED = f"a.status IN ('{AlarmStatus.HANDLED.value}', '{AlarmStatus.RELEASED.value}')"
_SUPPRESSED = AlarmStatus.SUPPRESSED.value


@dataclass(frozen=True)
class Period:
    """Alarms raised in [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class GradingRow:
    """One enterprise or division: the counts, and the rates read from them."""

    key: str               # division-code prefix, or the enterprise's id
    name: str
    alarms: int            # every alarm raised in the period (suppressed ones left out)
    sensor_alarms: int     # of them, alarms of a sensor
    sensors: int           # sensors in use now
    due: int               # alarms whose handling deadline has passed, or that were handled
    on_time: int           # handled within the deadline of their level
    repeated: int          # sensor alarms that flapped or followed another within the window
    released: int
    release_seconds: float | None  # mean raised → released
    handled: int
    false_alarms: int
    due_by_level: tuple[int, int, int, int] = (0, 0, 0, 0)      # alarm levels 1–4
    on_time_by_level: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def timely_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def alarms_per_sensor(self) -> float | None:
        return self.sensor_alarms / self.sensors if self.sensors else None

    @property
    def repeat_rate(self) -> float | None:
        return self.repeated / self.sensor_alarms if self.sensor_alarms else None

    @property
    def release_minutes(self) -> float | None:
        return None if self.release_seconds is None else self.release_seconds / 60

    @property
    def false_rate(self) -> float | None:
        return self.false_alarms / self.handled if self.handled else None


@dataclass(frozen=True)
class SensorFalseAlarms:
    """A sensor's false alarms (误报) in the period."""

    sensor_id: int
    name: str
    tag: str
    enterprise_id: int
    enterprise: str
    alarms: int
    handled: int
    false_alarms: int

    @property
    def false_rate(self) -> float | None:
        return self.false_alarms / self.handled if self.handled else None


def assessment_terms() -> tuple[list[str], list[int], list[float], list[float]]:
    """(rule version, alarm level, deadline s, repeat window s) as four arrays: "default"
    and every stored rule set version (one query; versions are few and never edited)."""
    docs = [("default", DEFAULT)] + [
        (version_label(area, version), doc) for area, version, doc in
        RuleSet.objects.order_by("area", "version").values_list("area", "version", "rules")]
    versions, levels, due, repeat = [], [], [], []
    for version, doc in docs:
        terms = doc.get("assessment", DEFAULT["assessment"])
        for level in (1, 2, 3, 4):
            versions.append(version)
            levels.append(level)
            due.append(float(terms["handle_within"][str(level)]) * 60)
            repeat.append(float(terms["repeat_window"]))
    return versions, levels, due, repeat


def grading_rows(*, scope: Scope, level: str, period: Period, now: datetime,
                 within: str = "") -> list[GradingRow]:
    """The grading of every enterprise or division at `level` with alarms or sensors in use
    in scope, under the division-code prefix `within`, ordered by key. Two queries."""
    digits = LEVELS[level]
    terms = assessment_terms()
    alarm_scope, alarm_params = registry.get("alarms").scope_sql(scope, "a")
    sensor_scope, sensor_params = registry.get("sensors").scope_sql(scope, "s")
    sql = _GRADING.format(
        alarm=Alarm._meta.db_table, sensor=registry.get("sensors").table(),
        alarm_part=_part("a", digits), sensor_part=_part("s", digits),
        alarm_scope=alarm_scope, sensor_scope=sensor_scope, handled=_HANDLED,
        names=_names(digits), by_level=_BY_LEVEL)
    like = _like(within)
    reach = period.start - timedelta(seconds=max(terms[3]))
    params = [*terms, now, *alarm_params, _SUPPRESSED, reach, period.end, like, period.start,
              *sensor_params, like]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [GradingRow(str(r[0]), r[1] or str(r[0]), *r[2:12], tuple(r[12]), tuple(r[13]))
                for r in cur.fetchall()]


def false_alarm_sensors(*, scope: Scope, period: Period, within: str = "",
                        limit: int = 10) -> list[SensorFalseAlarms]:
    """The sensors with the most false alarms (误报) among the handled alarms raised in
    the period, then by false-alarm rate. One query."""
    alarm_scope, params = registry.get("alarms").scope_sql(scope, "a")
    sql = _FALSE_SENSORS.format(
        alarm=Alarm._meta.db_table, sensor=registry.get("sensors").table(),
        enterprise=_enterprise_table(), scope=alarm_scope, handled=_HANDLED)
    with connection.cursor() as cur:
        cur.execute(sql, [*params, _SUPPRESSED, period.start, period.end, _like(within), limit])
        return [SensorFalseAlarms(*row) for row in cur.fetchall()]


def _part(alias: str, digits: int | None) -> str:
    return f"{alias}.enterprise_id" if digits is None else f"left({alias}.division_code, {digits})"


def _names(digits: int | None) -> str:
    """The join that names a row: the enterprise, or the division of the prefix."""
    if digits is None:
        return (f'LEFT JOIN "{_enterprise_table()}" n ON n.id = COALESCE(g.part, s.part)')
    return (f'LEFT JOIN "{Division._meta.db_table}" n '
            f"ON n.code = rpad(COALESCE(g.part, s.part), 12, '0')")


def _enterprise_table() -> str:
    # Through the alarm's foreign key: the registry's model is not imported here.
    return Alarm._meta.get_field("enterprise").related_model._meta.db_table


def _like(prefix: str) -> str:
    if not prefix.isdigit() and prefix:
        raise ValueError("a division-code prefix is digits")
    return prefix + "%"


# `picked` reaches back one repeat window before the period so that the first alarms of
# the period see their predecessors; `lag` over each sensor's alarms replaces a lookup per
# alarm (the latest earlier alarm is the nearest one). Only rows of the period are graded.
_GRADING = """
WITH terms(version, level, due_s, repeat_s) AS (
    SELECT * FROM unnest(%s::text[], %s::int[], %s::float8[], %s::float8[])),
picked AS (
    SELECT {alarm_part} AS part, a.id, a.level, a.sensor_id, a.raised_at, a.handled_at,
           a.released_at, a.flaps, {handled} AS handled, a.false_alarm,
           {handled} OR a.raised_at + make_interval(secs => COALESCE(t.due_s, t0.due_s))
               <= %s AS is_due,
           {handled} AND a.handled_at <= a.raised_at
               + make_interval(secs => COALESCE(t.due_s, t0.due_s)) AS on_time,
           make_interval(secs => COALESCE(t.repeat_s, t0.repeat_s)) AS repeat,
           a.raised_at - lag(a.raised_at) OVER (PARTITION BY a.sensor_id
                                                 ORDER BY a.raised_at, a.id) AS gap
    FROM "{alarm}" a
    JOIN terms t0 ON t0.version = 'default' AND t0.level = a.level
    LEFT JOIN terms t ON t.version = a.rules_version AND t.level = a.level
    WHERE ({alarm_scope}) AND a.status <> %s AND a.raised_at >= %s AND a.raised_at < %s
      AND a.division_code LIKE %s),
g AS (
    SELECT part, count(*) AS alarms, count(sensor_id) AS sensor_alarms,
        count(*) FILTER (WHERE is_due) AS due, count(*) FILTER (WHERE on_time) AS on_time,
        count(*) FILTER (WHERE sensor_id IS NOT NULL AND (flaps > 0 OR gap <= repeat))
            AS repeated,
        count(released_at) AS released,
        avg(extract(epoch FROM released_at - raised_at))::float8 AS release_s,
        count(*) FILTER (WHERE handled) AS handled,
        count(*) FILTER (WHERE handled AND false_alarm) AS false_alarms,
        {by_level}
    FROM picked p WHERE raised_at >= %s GROUP BY part),
s AS (
    SELECT {sensor_part} AS part, count(*) AS sensors FROM "{sensor}" s
    WHERE ({sensor_scope}) AND s.in_use AND s.division_code LIKE %s GROUP BY 1)
SELECT COALESCE(g.part, s.part), n.name, COALESCE(g.alarms, 0), COALESCE(g.sensor_alarms, 0),
       COALESCE(s.sensors, 0), COALESCE(g.due, 0), COALESCE(g.on_time, 0),
       COALESCE(g.repeated, 0), COALESCE(g.released, 0), g.release_s,
       COALESCE(g.handled, 0), COALESCE(g.false_alarms, 0),
       COALESCE(g.due_by_level, '{{0,0,0,0}}'), COALESCE(g.on_time_by_level, '{{0,0,0,0}}')
FROM g FULL JOIN s ON s.part = g.part
{names}
ORDER BY 1
"""

# Due and on time per alarm level 1–4, as two arrays (the rate of each level's deadline).
_BY_LEVEL = ", ".join(
    "ARRAY[" + ", ".join(f"count(*) FILTER (WHERE level = {n} AND {col})" for n in (1, 2, 3, 4))
    + f"] AS {name}_by_level" for name, col in (("due", "is_due"), ("on_time", "on_time")))

_FALSE_SENSORS = """
SELECT * FROM (
    SELECT s.id, s.name, s.tag, e.id AS enterprise_id, e.name AS enterprise,
           count(*) AS alarms, count(*) FILTER (WHERE {handled}) AS handled,
           count(*) FILTER (WHERE {handled} AND a.false_alarm) AS false_alarms
    FROM "{alarm}" a
    JOIN "{sensor}" s ON s.id = a.sensor_id
    JOIN "{enterprise}" e ON e.id = a.enterprise_id
    WHERE ({scope}) AND a.status <> %s AND a.raised_at >= %s AND a.raised_at < %s
      AND a.division_code LIKE %s
    GROUP BY s.id, e.id) f
WHERE false_alarms > 0
ORDER BY false_alarms DESC, false_alarms::float8 / handled DESC, id
LIMIT %s
"""
