"""Reading what the ingest stored: chart series of a sensor, from the rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from geo.places import owned_filter
from geo.scope import Scope
from monitoring.devices.models import Sensor
from monitoring.ingest.models import ReadingRollup, RollupStep

MINUTES_UP_TO = timedelta(hours=6)  # a longer span is drawn from hourly sums


@dataclass(frozen=True)
class Point:
    at: datetime
    mean: float
    low: float
    high: float
    count: int


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
    step = RollupStep.MINUTE if end - start <= MINUTES_UP_TO else RollupStep.HOUR
    first = start.replace(second=0, microsecond=0)
    if step == RollupStep.HOUR:
        first = first.replace(minute=0)
    out: dict[int, tuple[str, list[Point]]] = {pk: (step, []) for pk in seen}
    rows = ReadingRollup.objects.filter(sensor_id__in=seen, step=step, bucket__gte=first,
                                        bucket__lt=end).order_by("sensor_id", "bucket") \
        .values_list("sensor_id", "bucket", "total", "count", "low", "high")
    for sensor_id, at, total, count, low, high in rows:
        out[sensor_id][1].append(Point(at, total / count, low, high, count))
    return out
