"""Grading of alarm handling (metrics.py) over hand-built alarms with known timestamps.

Period [12-01, 12-03) UTC, read at NOW = 12-02 23:00. Default deadlines (minutes by alarm
level): 1 → 30, 2 → 60, 4 → 1440; repeat window 24 h. County B's rule set gives level 1
five minutes. What each alarm must count for is worked out next to it.

Enterprise E1 (county A), sensors S1, S2 in use, S3 not in use:
  a7 S1 L2 11-30 23:00, released          outside the period; makes a1 a repeat
  a1 S1 L1 12-01 10:00, handled +20 min, released +50   on time (20 ≤ 30), repeat (a7 11 h)
  a6 S1 L1 12-01 11:00, suppressed        counted nowhere
  a2 S1 L2 12-01 12:00, handled +90, released +120, false   late (90 > 60), repeat (a1 2 h)
  a3 S2 L2 12-01 12:00, pushed, 2 flaps   due (deadline passed), not handled, repeat (flaps)
  a4 S2 L4 12-02 22:00, pushed            not due yet (1440 min), no repeat (a3 was 34 h ago)
  a5 gateway offline L4 12-01 08:00, handled +120   on time; not a sensor alarm
  a8 S1 L1 12-02 09:00, handled +10 then returned   due, not handled, repeat (a2 21 h)
E1: alarms 6, sensor alarms 5, sensors 2, due 5, on time 2, repeated 4, released 2
    (50 + 120) / 2 = 85 min, handled 3, false 1.
E2 (county A): sensor S4, no alarms.
E11 (county B): sensor S5; b1 L1 12-01 09:00 under rule set "320102v1", handled +10
    (> its 5 min), released +40, false: due 1, on time 0, released 1 (40 min), false 1.
The alarms are made by the `graded` fixture (grading_data.py, through conftest).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.scope import EVERYTHING, scope_for_user
from monitoring.alarms.metrics import Period, false_alarm_sensors, grading_rows
from monitoring.alarms.models import AlarmStatus
from tests.monitoring.alarms.grading_data import NOW, PERIOD, alarm, at, sensors_of


def counts(row) -> tuple:
    return (row.alarms, row.sensor_alarms, row.sensors, row.due, row.on_time, row.repeated,
            row.released, row.release_minutes, row.handled, row.false_alarms)


def test_enterprise_level_counts_and_rates(graded):
    rows = grading_rows(scope=EVERYTHING, level="enterprise", period=PERIOD, now=NOW)
    e1, e2, e11 = graded.enterprises_a[0], graded.enterprises_a[1], graded.enterprises_b[0]
    by_key = {row.key: row for row in rows}
    assert list(by_key) == [str(e1.pk), str(e2.pk), str(e11.pk)]
    one = by_key[str(e1.pk)]
    assert one.name == e1.name
    assert counts(one) == (6, 5, 2, 5, 2, 4, 2, 85.0, 3, 1)
    assert (one.timely_rate, one.alarms_per_sensor, one.repeat_rate) == (0.4, 2.5, 0.8)
    assert one.false_rate == pytest.approx(1 / 3)
    # by level: 1 → a1 on time, a8 due; 2 → a2 late, a3 due; 4 → a5 on time (a4 not due)
    assert (one.due_by_level, one.on_time_by_level) == ((2, 2, 0, 1), (1, 0, 0, 1))
    two = by_key[str(e2.pk)]
    assert counts(two) == (0, 0, 1, 0, 0, 0, 0, None, 0, 0)
    assert (two.timely_rate, two.alarms_per_sensor, two.repeat_rate, two.false_rate) == \
        (None, 0.0, None, None)
    # b1 took 10 minutes, inside the default 30 but not its own rule set's 5
    assert counts(by_key[str(e11.pk)]) == (1, 1, 1, 1, 0, 0, 1, 40.0, 1, 1)
    assert (by_key[str(e11.pk)].due_by_level, two.due_by_level) == ((1, 0, 0, 0), (0, 0, 0, 0))


def test_division_levels_sum_their_enterprises(graded):
    county = grading_rows(scope=EVERYTHING, level="county", period=PERIOD, now=NOW)
    assert [(r.key, r.name) for r in county] == [("320101", "甲县"), ("320102", "乙县")]
    assert counts(county[0]) == (6, 5, 3, 5, 2, 4, 2, 85.0, 3, 1)
    assert counts(county[1]) == (1, 1, 1, 1, 0, 0, 1, 40.0, 1, 1)
    (city,) = grading_rows(scope=EVERYTHING, level="city", period=PERIOD, now=NOW)
    assert (city.key, city.name) == ("3201", "测试市")
    assert counts(city) == (7, 6, 4, 6, 2, 4, 3, 70.0, 4, 2)
    assert (city.due_by_level, city.on_time_by_level) == ((3, 2, 0, 1), (1, 0, 0, 1))
    (province,) = grading_rows(scope=EVERYTHING, level="province", period=PERIOD, now=NOW)
    assert (province.key, province.name, counts(province)) == ("32", "测试省", counts(city))


def test_within_a_prefix_and_a_shorter_period(graded):
    rows = grading_rows(scope=EVERYTHING, level="enterprise", period=PERIOD, now=NOW,
                        within="320102")
    assert [r.key for r in rows] == [str(graded.enterprises_b[0].pk)]
    # 12-02 only: a4 (not due) and a8 (due, repeat of a2 from the day before)
    day = Period(at(2, 0), at(3, 0))
    one = grading_rows(scope=EVERYTHING, level="county", period=day, now=NOW)[0]
    assert counts(one) == (2, 2, 3, 1, 0, 1, 0, None, 0, 0)


def test_now_decides_what_is_due(graded):
    """a4 (level 4, raised 12-02 22:00) falls due 24 h later."""
    later = NOW + timedelta(days=1)
    e1 = graded.enterprises_a[0]
    (row,) = [r for r in grading_rows(scope=EVERYTHING, level="enterprise", period=PERIOD,
                                      now=later) if r.key == str(e1.pk)]
    assert (row.due, row.on_time) == (6, 2)


def test_false_alarm_sensors_most_first_then_rate(graded):
    found = false_alarm_sensors(scope=EVERYTHING, period=PERIOD)
    assert [(f.name, f.alarms, f.handled, f.false_alarms, f.false_rate) for f in found] == [
        ("液位S5", 1, 1, 1, 1.0), ("液位S1", 3, 2, 1, 0.5)]
    assert found[1].enterprise == graded.enterprises_a[0].name


def test_county_b_sees_nothing_of_county_a(graded):
    scope = scope_for_user(graded.users["county_b"])
    e11 = graded.enterprises_b[0]
    for level in ("enterprise", "county", "city", "province"):
        rows = grading_rows(scope=scope, level=level, period=PERIOD, now=NOW)
        assert [counts(r) for r in rows] == [(1, 1, 1, 1, 0, 0, 1, 40.0, 1, 1)], level
    assert [r.key for r in grading_rows(scope=scope, level="enterprise", period=PERIOD,
                                        now=NOW)] == [str(e11.pk)]
    # asking for county A's prefix inside county B's scope finds nothing
    assert grading_rows(scope=scope, level="enterprise", period=PERIOD, now=NOW,
                        within="320101") == []
    assert [f.name for f in false_alarm_sensors(scope=scope, period=PERIOD)] == ["液位S5"]


def test_enterprise_user_sees_its_own(graded):
    scope = scope_for_user(graded.users["enterprise"])
    rows = grading_rows(scope=scope, level="enterprise", period=PERIOD, now=NOW)
    assert [r.key for r in rows] == [str(graded.enterprises_a[0].pk)]
    assert [f.name for f in false_alarm_sensors(scope=scope, period=PERIOD)] == ["液位S1"]


def test_query_count_does_not_grow_with_enterprises(graded):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for level in ("enterprise", "county"):
                grading_rows(scope=EVERYTHING, level=level, period=PERIOD, now=NOW)
            false_alarm_sensors(scope=EVERYTHING, period=PERIOD)
        return len(ctx.captured_queries)

    before = queries()
    for i, ent in enumerate(graded.enterprises_a[2:] + graded.enterprises_b[1:]):
        (sensor,) = sensors_of(ent, f"gw-x{i}", f"X{i}")
        alarm(ent, sensor, 2, at(1, 14), handled=5, status=AlarmStatus.HANDLED, false=True)
    assert before == queries() == 5
    assert len(grading_rows(scope=EVERYTHING, level="enterprise", period=PERIOD,
                            now=NOW)) == 8
