"""The `readings` collection of the OGC API – EDR (ADR 0016): sensors' readings as point
series, for `layers.ogc.edr_provider`.

Which sensors a query selects is one PostGIS statement under the caller's scope
(`geo.scope`, the read gate, on the sensors' own division and organisation columns);
their values come from `selectors.readings_series` (raw rows for short windows, the
per-minute or per-hour rollups for long ones).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection

from geo.scope import Scope
from layers.ogc.edr import Parameter, Series, Where
from monitoring.devices.models import Indicator
from monitoring.ingest import selectors

# The usual unit of each indicator type (指标类型); each sensor's series carries its own.
UNITS = {"level": "m", "temperature": "°C", "pressure": "MPa", "flow": "m³/h",
         "combustible_gas": "%LEL", "toxic_gas": "ppm", "oxygen": "%VOL",
         "line_gas": "LEL·m", "switch": "1"}
TOLERANCE_M = 50.0       # a position query finds the nearest sensors this close
MAX_SERIES = 100         # sensors in one answer (bounds the response with `limit`)
DEFAULT_SPAN = timedelta(hours=1)  # no `datetime`: the last hour
_DEG_PER_M = 1 / 111_000  # metres to degrees of latitude, for the index box

_SENSORS = """
SELECT s.id, s.point, s.name, s.indicator, s.measure_unit, ST_X(s.geom), ST_Y(s.geom),
       s.enterprise_id, s.last_at
FROM monitoring_sensor s
WHERE ({scope}) AND ({where}) AND (cardinality(%s::text[]) = 0 OR s.indicator = ANY(%s))
ORDER BY {order} LIMIT %s"""


class ReadingsSource:
    """The EDR source (layers.ogc.edr.EDRSource) of sensors' readings."""

    def parameters(self) -> list[Parameter]:
        return [Parameter(value, label, UNITS[value]) for value, label in Indicator.choices]

    def location_exists(self, *, scope: Scope, location_id: str) -> bool:
        return bool(_sensors(scope, Where("location", location_id=location_id), []))

    def series(self, *, scope: Scope, where: Where, start: datetime | None,
               end: datetime | None, parameters: list[str], limit: int) -> list[Series]:
        sensors = _sensors(scope, where, parameters)
        if not sensors:
            return []
        ids = [row[0] for row in sensors]
        newest = max((row[8] for row in sensors if row[8] is not None), default=None)
        start, end = _window(ids, start, end, newest)
        if start is None:
            return []
        step, points = selectors.readings_series(sensor_ids=ids, start=start, end=end,
                                                 limit=limit)
        out = []
        for pk, point, name, indicator, unit, x, y, enterprise, _last in sensors:
            values = points.get(pk, [])
            if values:
                out.append(Series(
                    id=str(pk), x=x, y=y, parameter=indicator, unit=unit, step=step,
                    times=[p.at for p in values], values=[p.mean for p in values],
                    properties={"sensor": pk, "point": point, "name": name,
                                "enterprise": enterprise}))
        return out

    def items_condition(self, *, alias: str, start: datetime | None, end: datetime | None,
                        parameters: list[str]) -> tuple[str, list]:
        """Sensors of those indicators with valid readings in the window (hourly sums)."""
        parts, params = [], []
        if parameters:
            parts.append(f"{alias}.indicator = ANY(%s)")
            params.append(parameters)
        if start is not None or end is not None:
            parts.append(f"EXISTS (SELECT 1 FROM monitoring_readingrollup r WHERE "
                         f"r.sensor_id = {alias}.id AND r.step = 'hour' AND "
                         f"r.bucket >= %s AND r.bucket <= %s)")
            first = start.replace(minute=0, second=0, microsecond=0) if start else None
            params += [first or datetime.min.replace(tzinfo=UTC),
                       end or datetime.max.replace(tzinfo=UTC)]
        return " AND ".join(parts) or "TRUE", params


def _sensors(scope: Scope, where: Where, parameters: list[str]) -> list[tuple]:
    condition, scope_params = scope.sql(division_col="s.division_code",
                                        owner_col="s.organisation_id")
    order, where_sql, where_params = "s.id", "TRUE", []
    if where.kind == "location":
        if not (where.location_id or "").isdigit() or len(where.location_id) > 18:
            return []
        where_sql, where_params = "s.id = %s", [int(where.location_id)]
    elif where.kind == "area":
        where_sql = "ST_Covers(ST_GeomFromText(%s, 4326), s.geom)"
        where_params = [where.wkt]
    else:  # position: the sensors at the nearest place within the tolerance
        where_sql = ("s.geom && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s) AND "
                     "ST_DWithin(s.geom::geography, ST_MakePoint(%s, %s)::geography, %s)")
        where_params = [where.x, where.y, TOLERANCE_M * _DEG_PER_M * 3,
                        where.x, where.y, TOLERANCE_M]
        order = "ST_Distance(s.geom::geography, ST_MakePoint(%s, %s)::geography), s.id"
    statement = _SENSORS.format(scope=condition, where=where_sql, order=order)
    params = scope_params + where_params + [parameters, parameters]
    if where.kind == "position":
        params += [where.x, where.y]
    with connection.cursor() as cursor:
        cursor.execute(statement, params + [MAX_SERIES])
        rows = cursor.fetchall()
    if where.kind == "position" and rows:
        rows = _nearest_place(rows)
    return rows


def _nearest_place(rows: list[tuple]) -> list[tuple]:
    """Only the sensors at the nearest sensor's place (several indicators of one point)."""
    x, y = rows[0][5], rows[0][6]
    return [row for row in rows if abs(row[5] - x) < 1e-7 and abs(row[6] - y) < 1e-7]


def _window(ids: list[int], start: datetime | None, end: datetime | None,
            newest: datetime | None) -> tuple[datetime | None, datetime]:
    """Closed [start, end]: no `datetime` is the last hour; an open end is now, or the
    sensors' newest reading when older (so the step suits the data there is); an open
    start is the sensors' oldest hour of data (None when they have none)."""
    now = datetime.now(UTC)
    if start is None and end is None:
        return now - DEFAULT_SPAN, now
    if end is None:
        end = min(now, newest) if newest is not None and start is not None and \
            newest >= start else now
    if start is None:
        start = selectors.readings_first(sensor_ids=ids)
    return start, end
