"""What is sent upstream (报送数据): three tables, each a list of our field names and one
statement that copies its new rows of a platform's area into the outbox.

- `readings_minute`: sensors' per-minute rollups (分钟均值), closed minutes only: the
  provinces ask for curves, not every second, and a rollup row is already kept by the ingest.
- `alarms`: alarm steps (报警及处置过程): raised, cleared, acknowledged, handled, released…
  The step table is append-only with a serial id, so each step is sent once as it happened.
- `warnings`: the steps that push or raise a graded warning (预警发布 / 升级 / 上报).

Rows are found by an anti-join on the outbox (not "id greater than the last one"), so a
transaction that commits late with a smaller id is still picked up: nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from geo.scope import Scope

# A minute's rollup is sent once it is this old (late readings of a collector's journal
# mostly arrive inside it); rows older than the lookback are never enqueued. The
# lookback bounds what the job rescans every minute (bench.upstream, idle minute: 33 ms
# for 2 h of 54 sensors, 1.15 s for a day): a collector journal replayed over 2 h late is
# stored and charted here but not forwarded.
SETTLE = timedelta(minutes=3)
ROLLUP_LOOKBACK = timedelta(hours=2)
STEP_LOOKBACK = timedelta(days=7)

_ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"


def _iso(col: str) -> str:
    return f"to_char({col} AT TIME ZONE 'UTC', {_ISO})"


@dataclass(frozen=True)
class Source:
    table: str
    fields: tuple[str, ...]
    select: str          # SELECT stable_id, payload, order key … with {scope} and params


_READINGS = Source(
    table="readings_minute",
    fields=("id", "sensor", "enterprise", "indicator", "unit", "minute", "mean", "low",
            "high", "count"),
    select=f"""
        SELECT s.gateway_id || '/' || s.point || '@' || {_iso('r.bucket')},
               jsonb_build_object(
                 'id', s.gateway_id || '/' || s.point || '@' || {_iso('r.bucket')},
                 'sensor', s.gateway_id || '/' || s.point, 'enterprise', e.credit_code,
                 'indicator', s.indicator, 'unit', s.measure_unit,
                 'minute', {_iso('r.bucket')}, 'mean', r.total / r.count,
                 'low', r.low, 'high', r.high, 'count', r.count),
               r.bucket, r.sensor_id
          FROM monitoring_readingrollup r
          JOIN monitoring_sensor s ON s.id = r.sensor_id
          JOIN registry_enterprise e ON e.id = s.enterprise_id
         WHERE r.step = 'minute' AND r.bucket >= %(since)s
           AND r.bucket <= %(settled)s AND {{scope}}""",
)

_ALARM_STEPS = ("raised", "reopened", "cleared", "acknowledged", "handled", "returned",
                "released", "suppressed")
_WARNING_STEPS = ("pushed", "upgraded", "escalated")

_STEP_JOIN = """
          FROM monitoring_alarmstep st
          JOIN monitoring_alarm a ON a.id = st.alarm_id
          JOIN registry_enterprise e ON e.id = a.enterprise_id
          LEFT JOIN monitoring_sensor s ON s.id = a.sensor_id"""

_ALARMS = Source(
    table="alarms",
    fields=("id", "alarm", "event", "at", "kind", "level", "sensor", "enterprise", "title",
            "value", "threshold", "raised_at"),
    select=f"""
        SELECT 'step-' || st.id,
               jsonb_build_object(
                 'id', 'step-' || st.id, 'alarm', a.id, 'event', st.step,
                 'at', {_iso('st.at')}, 'kind', a.kind, 'level', a.level,
                 'sensor', s.gateway_id || '/' || s.point, 'enterprise', e.credit_code,
                 'title', a.title, 'value', a.value, 'threshold', a.threshold,
                 'raised_at', {_iso('a.raised_at')}),
               st.at, st.id
          {_STEP_JOIN}
         WHERE st.step = ANY(%(steps)s) AND st.at >= %(since_steps)s AND {{scope}}""",
)

_WARNINGS = Source(
    table="warnings",
    fields=("id", "warning", "alarm", "event", "at", "level", "title", "reason",
            "enterprise"),
    select=f"""
        SELECT 'step-' || st.id,
               jsonb_build_object(
                 'id', 'step-' || st.id, 'warning', w.id, 'alarm', a.id,
                 'event', st.step, 'at', {_iso('st.at')}, 'level', w.level,
                 'title', w.title, 'reason', w.reason, 'enterprise', e.credit_code),
               st.at, st.id
          {_STEP_JOIN}
          JOIN monitoring_earlywarning w ON w.alarm_id = a.id
         WHERE st.step = ANY(%(warning_steps)s) AND st.at >= %(since_steps)s
           AND {{scope}}""",
)

SOURCES: dict[str, Source] = {s.table: s for s in (_READINGS, _ALARMS, _WARNINGS)}


def source_enqueue(*, platform_id: int, area: str, table: str, now: datetime) -> int:
    """Copy the rows of `table` in the platform's area not yet in its outbox; returns how
    many. In seq order of their time, so the peer receives them as they happened."""
    sql, params = enqueue_statement(platform_id=platform_id, area=area, table=table, now=now)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def enqueue_statement(*, platform_id: int, area: str, table: str,
                      now: datetime) -> tuple[str, dict]:
    source = SOURCES[table]
    where, scope_params = Scope(prefix=area).sql(division_col="e.division_code",
                                                 owner_col=None)
    scope_sql = where.replace("%s", "%(scope)s")
    # A minute [b, b + 1 min) is settled once b + 1 min + SETTLE has passed.
    params = {"since": now - ROLLUP_LOOKBACK, "settled": now - SETTLE - timedelta(minutes=1),
              "since_steps": now - STEP_LOOKBACK, "steps": list(_ALARM_STEPS),
              "warning_steps": list(_WARNING_STEPS), "platform": platform_id,
              "table": table, "now": now, "scope": scope_params[0] if scope_params else None}
    sql = f"""
        INSERT INTO monitoring_outboxrow (platform_id, "table", stable_id, payload, created)
        SELECT %(platform)s, %(table)s, src.sid, src.payload, %(now)s
          FROM ({source.select.format(scope=scope_sql)}) AS src (sid, payload, k1, k2)
         WHERE NOT EXISTS (SELECT 1 FROM monitoring_outboxrow o
                            WHERE o.platform_id = %(platform)s AND o."table" = %(table)s
                              AND o.stable_id = src.sid)
         ORDER BY src.k1, src.k2
        ON CONFLICT DO NOTHING"""
    return sql, params
