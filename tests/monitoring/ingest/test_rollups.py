"""Per-minute and per-hour rollups: kept by the statement that stores readings, from
valid new rows only (a resend changes nothing), and read as chart series in scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geo.scope import EVERYTHING, Scope
from monitoring.devices.models import Sensor
from monitoring.ingest.models import ReadingRollup
from monitoring.ingest.selectors import sensor_series
from monitoring.ingest.services import batch_store

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def _batch(seq0: int, values: list, *, start: datetime, every: timedelta) -> dict:
    records = [{"seq": seq0 + i, "kind": "reading", "point": "T-1.level",
                "ts": int((start + i * every).timestamp() * 1000), "value": v,
                "quality": "good", "unit": "m", "reason": ""} for i, v in enumerate(values)]
    return {"v": 1, "kind": "batch", "gateway": "gw-a", "records": records}


def _rollups(step: str) -> list[tuple]:
    return list(ReadingRollup.objects.filter(step=step).order_by("bucket").values_list(
        "bucket", "count", "total", "low", "high"))


def test_minute_and_hour_sums_from_valid_new_readings_only(gateway):
    start = NOW - timedelta(minutes=2)
    doc = _batch(1, [2.0, 4.0, 6.0, float("nan"), 99.0], start=start,
                 every=timedelta(seconds=20))  # 99 is out of the 0-20 m range: invalid
    batch_store(doc, now=NOW)
    minute0 = start.replace(second=0)
    assert _rollups("minute") == [(minute0, 3, 12.0, 2.0, 6.0)]
    assert _rollups("hour") == [(minute0.replace(minute=0), 3, 12.0, 2.0, 6.0)]
    batch_store(doc, now=NOW)  # resent: no new rows, no change
    assert _rollups("minute") == [(minute0, 3, 12.0, 2.0, 6.0)]
    # a late record of the same minute merges into it
    batch_store(_batch(10, [1.0], start=start + timedelta(seconds=50),
                       every=timedelta(0)), now=NOW)
    assert _rollups("minute") == [(minute0, 4, 13.0, 1.0, 6.0)]


def test_series_picks_the_step_by_span_and_honours_scope(gateway, world):
    batch_store(_batch(1, [float(v % 10) for v in range(180)], start=NOW - timedelta(hours=3),
                       every=timedelta(minutes=1)), now=NOW)
    sensor = Sensor.objects.get(point="T-1.level")
    step, points = sensor_series(scope=EVERYTHING, sensor_id=sensor.pk,
                                 start=NOW - timedelta(hours=3), end=NOW)
    assert step == "minute" and len(points) == 180
    assert (points[0].mean, points[0].count) == (0.0, 1)
    step, points = sensor_series(scope=EVERYTHING, sensor_id=sensor.pk,
                                 start=NOW - timedelta(days=1), end=NOW)
    assert step == "hour" and [p.count for p in points] == [60, 60, 60]
    assert points[0].mean == 4.5 and (points[0].low, points[0].high) == (0.0, 9.0)
    county_b = Scope(prefix=world.county_b.code[:6])
    assert sensor_series(scope=county_b, sensor_id=sensor.pk, start=NOW - timedelta(days=1),
                         end=NOW) is None
