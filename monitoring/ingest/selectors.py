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
    if not owned_filter(Sensor.objects.filter(pk=sensor_id), scope).exists():
        return None
    step = RollupStep.MINUTE if end - start <= MINUTES_UP_TO else RollupStep.HOUR
    first = start.replace(second=0, microsecond=0)
    if step == RollupStep.HOUR:
        first = first.replace(minute=0)
    rows = ReadingRollup.objects.filter(sensor_id=sensor_id, step=step, bucket__gte=first,
                                        bucket__lt=end).order_by("bucket") \
        .values_list("bucket", "total", "count", "low", "high")
    return step, [Point(at, total / count, low, high, count)
                  for at, total, count, low, high in rows]
