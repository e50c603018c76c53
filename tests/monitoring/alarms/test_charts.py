"""The inline-SVG trend of the warning panel: exact shapes for a known series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitoring.alarms.charts import trend
from monitoring.ingest.selectors import Point

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def _points(values: list[tuple[float, float, float]]) -> list[Point]:
    return [Point(T0 + timedelta(minutes=i), mean, low, high, 60)
            for i, (mean, low, high) in enumerate(values)]


def test_a_series_and_its_thresholds_in_svg_units():
    chart = trend(_points([(10, 8, 12), (14, 12, 16), (18, 17, 19)]),
                  thresholds=[(20.0, "HH", "#FF0000"), (None, "H", "#FF8C00")])
    # values 8..20 over 90 - 2*4 = 82 units; time 0..2 min over 320 - 8 = 312 units
    assert (chart.low, chart.high, chart.count) == (8, 20.0, 3)
    assert chart.mean == "4.0,72.3 160.0,45.0 316.0,17.7"
    assert chart.band == "4.0,58.7 160.0,31.3 316.0,10.8 316.0,24.5 160.0,58.7 4.0,86.0"
    assert [(line.y, line.label) for line in chart.lines] == [(4.0, "HH")]
    assert chart.dots == [(4.0, 72.3), (160.0, 45.0), (316.0, 17.7)]


def test_one_flat_point_is_drawn_in_the_middle():
    chart = trend(_points([(5, 5, 5)]), thresholds=[])
    assert (chart.low, chart.high, chart.mean) == (4, 6, "160.0,45.0")
    assert trend([], thresholds=[]) is None
