"""Reading what the ingest stored: series of sensors, from raw rows or the rollups.

One rule picks the source by the span asked for (`series_step`): raw readings for short
windows, per-minute sums up to MINUTES_UP_TO, per-hour sums beyond. Charts
(`sensor_series`) never draw raw rows; the OGC API – EDR (`readings_series`) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from geo.places import owned_filter
from geo.scope import Scope
from monitoring.devices.models import Sensor
from monitoring.ingest.models import ReadingRollup, RollupStep

RAW_UP_TO = timedelta(hours=2)      # a window this short is answered with raw readings
MINUTES_UP_TO = timedelta(hours=6)  # a longer span is drawn from hourly sums
RAW = "raw"


@dataclass(frozen=True)
class Point:
    at: datetime
    mean: float
    low: float
    high: float
    count: int


def series_step(start: datetime, end: datetime, *, raw: bool = False) -> str:
    """Where a series over [start, end] is read from: "raw" (when allowed), "minute", "hour"."""
    span = end - start
    if raw and span <= RAW_UP_TO:
        return RAW
    return RollupStep.MINUTE if span <= MINUTES_UP_TO else RollupStep.HOUR


def sensor_series(*, scope: Scope, sensor_id: int, start: datetime, end: datetime
                  ) -> tuple[str, list[Point]] | None:
    """(step, points) of a sensor the caller may see between `start` and `end`, per
    minute for spans up to MINUTES_UP_TO, else per hour; None for a sensor not seen."""
    return sensors_series(scope=scope, sensor_ids=[sensor_id], start=start,
                          end=end).get(sensor_id)


def sensors_series(*, scope: Scope, sensor_ids: list[int], start: datetime, end: datetime
                   ) -> dict[int, tuple[str, list[Point]]]:
    """`sensor_series` of several sensors in two queries (a panel of trends is not a
    query per sensor): sensor id -> (step, points) for the sensors the caller may see."""
    seen = list(owned_filter(Sensor.objects.filter(pk__in=sensor_ids), scope)
                .values_list("pk", flat=True))
    if not seen:
        return {}
    step = series_step(start, end)
    out: dict[int, tuple[str, list[Point]]] = {pk: (step, []) for pk in seen}
    rows = ReadingRollup.objects.filter(sensor_id__in=seen, step=step,
                                        bucket__gte=_bucket(start, step), bucket__lt=end) \
        .order_by("sensor_id", "bucket") \
        .values_list("sensor_id", "bucket", "total", "count", "low", "high")
    for sensor_id, at, total, count, low, high in rows:
        out[sensor_id][1].append(Point(at, total / count, low, high, count))
    return out


def readings_series(*, sensor_ids: list[int], start: datetime, end: datetime,
                    limit: int) -> tuple[str, dict[int, list[Point]]]:
    """(step, {sensor id: points}) of valid readings in [start, end] (both ends in),
    at most `limit` points per sensor, oldest first. The caller has already cut
    `sensor_ids` by scope (`monitoring.ingest.edr` selects sensors through geo.scope)."""
    step = series_step(start, end, raw=True)
    if step == RAW:
        sql = ("SELECT sensor_id, ts, value, value, value, 1 FROM monitoring_reading "
               "WHERE sensor_id = ANY(%s) AND valid AND ts >= %s AND ts <= %s")
        first = start
    else:
        sql = ("SELECT sensor_id, bucket, total / count, low, high, count "
               "FROM monitoring_readingrollup WHERE sensor_id = ANY(%s) AND step = %s "
               "AND bucket >= %s AND bucket <= %s")
        first = _bucket(start, step)
    params = [sensor_ids] + ([] if step == RAW else [step]) + [first, end]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY r.sensor_id "
            f"ORDER BY r.t) AS n FROM ({sql}) AS r (sensor_id, t, mean, low, high, count)) s "
            "WHERE n <= %s ORDER BY sensor_id, t", params + [limit])
        out: dict[int, list[Point]] = {}
        for sensor_id, at, mean, low, high, count, _n in cursor.fetchall():
            out.setdefault(sensor_id, []).append(Point(at, mean, low, high, count))
    return step, out


def readings_first(*, sensor_ids: list[int]) -> datetime | None:
    """The hour of the oldest valid reading of these sensors (an open `../end` window)."""
    row = ReadingRollup.objects.filter(sensor_id__in=sensor_ids, step=RollupStep.HOUR) \
        .order_by("bucket").values_list("bucket", flat=True).first()
    return row


def _bucket(at: datetime, step: str) -> datetime:
    first = at.replace(second=0, microsecond=0)
    return first.replace(minute=0) if step == RollupStep.HOUR else first
