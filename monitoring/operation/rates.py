"""Online rate (在线率) and data quality (数据质量) per enterprise, county, city or province,
over a period, in the caller's scope: each figure is ONE grouped SQL statement over the
gateways, sensors or alarms the caller may read (their layers' `scope_sql`, geo.scope).

Online rate = time online / time in the period, summed over the gateways in use: a
gateway's time offline is the part of its outages (设备异常日志) inside [start, stop),
stop being the period's end or now, whichever is earlier; a gateway never heard counts
as offline for the whole period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from geo.models import Division
from geo.regions import LEVELS
from layers.base import registry
from monitoring.devices.models import Gateway
from monitoring.ingest.models import DataGap, InvalidTally
from monitoring.operation.models import Outage

# Aggregation levels and the division-code digits they group by (None: the enterprise),
# as on the grading page.


@dataclass
class OperationRow:
    """One enterprise or division: its gateways' online figures and its data quality."""

    key: str                 # division-code prefix, or the enterprise's id
    name: str
    gateways: int            # in use
    online_now: int
    down_seconds: float      # summed over the gateways, inside the period
    span_seconds: float      # the period's length (to now at most), per gateway
    gaps: int = 0            # drop reports of the agents' journals (数据缺失)
    dropped: int = 0         # records those reports say were lost
    invalid: dict[str, int] = field(default_factory=dict)  # invalid readings by reason
    flatlines: int = 0       # alarms of kind flatline (数据长时间不变) raised in the period

    @property
    def rate(self) -> float | None:
        total = self.gateways * self.span_seconds
        return 1 - self.down_seconds / total if total > 0 else None

    @property
    def invalid_total(self) -> int:
        return sum(self.invalid.values())


def _part(alias: str, digits: int | None) -> str:
    return f"{alias}.enterprise_id" if digits is None else f"left({alias}.division_code, {digits})"


def _names(digits: int | None) -> str:
    if digits is None:
        table = Gateway._meta.get_field("enterprise").related_model._meta.db_table
        return f'LEFT JOIN "{table}" n ON n.id = r.part::bigint'
    return f"LEFT JOIN \"{Division._meta.db_table}\" n ON n.code = rpad(r.part, 12, '0')"


_ONLINE = """
WITH gw AS (
    SELECT g.code, g.online, g.last_seen, {part}::text AS part FROM {gateway} g
    WHERE g.in_use AND {scope} AND g.division_code LIKE %s),
down AS (
    SELECT o.gateway_id AS code, sum(extract(epoch FROM
        least(coalesce(o.ended, %s), %s) - greatest(o.started, %s))) AS s
    FROM {outage} o JOIN gw ON gw.code = o.gateway_id
    WHERE o.cause = 'offline' AND o.started < %s AND (o.ended IS NULL OR o.ended > %s)
    GROUP BY o.gateway_id),
r AS (
    SELECT gw.part, count(*) AS n, count(*) FILTER (WHERE gw.online) AS up,
        sum(CASE WHEN gw.last_seen IS NULL THEN %s ELSE coalesce(d.s, 0) END) AS down
    FROM gw LEFT JOIN down d ON d.code = gw.code GROUP BY gw.part)
SELECT r.part, n.name, r.n, r.up, r.down FROM r {names} ORDER BY r.part"""


def online_rows(*, scope, level: str, start: datetime, end: datetime, now: datetime,
                within: str = "") -> list[OperationRow]:
    """Gateways in use in scope under `within`, grouped at `level`. One query."""
    digits = LEVELS[level]
    stop = max(start, min(end, now))
    span = (stop - start).total_seconds()
    where, params = registry.get("gateways").scope_sql(scope, "g")
    sql = _ONLINE.format(part=_part("g", digits), gateway=Gateway._meta.db_table,
                         scope=where, outage=Outage._meta.db_table, names=_names(digits))
    with connection.cursor() as cur:
        cur.execute(sql, [*params, _like(within), stop, stop, start, stop, start, span])
        return [OperationRow(r[0], r[1] or r[0], r[2], r[3], float(r[4] or 0), span)
                for r in cur.fetchall()]


_GAPS = """
SELECT {part}::text, count(*), coalesce(sum(d.count), 0) FROM {gap} d
JOIN {gateway} g ON g.code = d.gateway
WHERE {scope} AND g.division_code LIKE %s AND d.reported >= %s AND d.reported < %s
GROUP BY 1"""
_INVALID = """
SELECT {part}::text, t.reason, sum(t.count) FROM {tally} t JOIN {sensor} s ON s.id = t.sensor_id
WHERE {scope} AND s.division_code LIKE %s AND t.bucket >= %s AND t.bucket < %s
GROUP BY 1, 2"""
_FLAT = """
SELECT {part}::text, count(*) FROM {alarm} a
WHERE {scope} AND a.division_code LIKE %s AND a.kind = 'flatline'
    AND a.raised_at >= %s AND a.raised_at < %s
GROUP BY 1"""


def quality_add(rows: list[OperationRow], *, scope, level: str, start: datetime,
                end: datetime, within: str = "") -> None:
    """Fill in the rows' data quality over [start, end): three grouped queries (drop
    reports, the ingest's invalid tallies by hour, flat-line alarms)."""
    digits = LEVELS[level]
    by_key = {r.key: r for r in rows}
    period = [_like(within), start, end]
    for key, gaps, dropped in _grouped(_GAPS, scope, "gateways", "g", digits, period,
                                       gap=DataGap._meta.db_table,
                                       gateway=Gateway._meta.db_table):
        if key in by_key:
            by_key[key].gaps, by_key[key].dropped = gaps, int(dropped)
    for key, reason, count in _grouped(_INVALID, scope, "sensors", "s", digits, period,
                                       tally=InvalidTally._meta.db_table,
                                       sensor=registry.get("sensors").table()):
        if key in by_key:
            by_key[key].invalid[reason] = int(count)
    for key, count in _grouped(_FLAT, scope, "alarms", "a", digits, period,
                               alarm=registry.get("alarms").table()):
        if key in by_key:
            by_key[key].flatlines = count


def _grouped(sql: str, scope, layer: str, alias: str, digits: int | None, params: list,
             **tables) -> list[tuple]:
    where, scope_params = registry.get(layer).scope_sql(scope, alias)
    with connection.cursor() as cur:
        cur.execute(sql.format(part=_part(alias, digits), scope=where, **tables),
                    [*scope_params, *params])
        return cur.fetchall()


def _like(prefix: str) -> str:
    if prefix and not prefix.isdigit():
        raise ValueError("a division-code prefix is digits")
    return prefix + "%"
