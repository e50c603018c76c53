"""The hand-built alarms of the grading tests (test_metrics.py works out what each
counts for): E1 and E2 in county A, E11 in county B, alarms a1–a8 and b1."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from monitoring.alarms.metrics import Period
from monitoring.alarms.models import Alarm, AlarmStatus, RuleSet
from monitoring.alarms.rules import DEFAULT
from monitoring.devices.services import gateway_create, sensor_create

PERIOD = Period(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC))
NOW = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def alarm(ent, sensor, level: int, raised: datetime, *, handled: int | None = None,
          released: int | None = None, status: str = AlarmStatus.PUSHED, false: bool = False,
          flaps: int = 0, version: str = "default", kind: str = "threshold") -> Alarm:
    """An alarm as the lifecycle leaves it; `handled` / `released`: minutes after raised."""
    key = f"{kind}:{sensor.pk if sensor else 'gw-' + str(ent.pk)}:{raised.isoformat()}"
    return Alarm.objects.create(
        enterprise=ent, division_code=ent.division_code, organisation_id=ent.organisation_id,
        key=key, kind=kind, level=level, sensor=sensor, title="测试报警", rules_version=version,
        raised_at=raised, received_at=raised, cleared_at=raised + MIN, flaps=flaps,
        status=status, false_alarm=false, geom=ent.geom,
        pushed_at=raised,
        handled_at=None if handled is None else raised + handled * MIN,
        released_at=None if released is None else raised + released * MIN)


def sensors_of(ent, code: str, *points: str, in_use: tuple[bool, ...] = ()) -> list:
    gw = gateway_create(enterprise=ent, code=code, name="网关", geom=ent.geom)
    flags = in_use or (True,) * len(points)
    return [sensor_create(gateway=gw, point=p, name=f"液位{p}", indicator="level",
                          range_low=0, range_high=20, threshold_h=16, geom=ent.geom,
                          in_use=flag, tag=f"LT-{p}")
            for p, flag in zip(points, flags, strict=True)]


@pytest.fixture
def graded(world):
    e1, e2 = world.enterprises_a[0], world.enterprises_a[1]
    e11 = world.enterprises_b[0]
    s1, s2, _s3 = sensors_of(e1, "gw-1", "S1", "S2", "S3", in_use=(True, True, False))
    sensors_of(e2, "gw-2", "S4")
    (s5,) = sensors_of(e11, "gw-11", "S5")
    released, handled = AlarmStatus.RELEASED, AlarmStatus.HANDLED
    alarm(e1, s1, 2, at(30, 23, month=11), handled=10, released=20, status=released)  # a7
    alarm(e1, s1, 1, at(1, 10), handled=20, released=50, status=released)  # a1
    alarm(e1, s1, 1, at(1, 11), status=AlarmStatus.SUPPRESSED)  # a6
    alarm(e1, s1, 2, at(1, 12), handled=90, released=120, status=released, false=True)  # a2
    alarm(e1, s2, 2, at(1, 12), flaps=2)  # a3
    alarm(e1, s2, 4, at(2, 22), kind="no_data")  # a4
    alarm(e1, None, 4, at(1, 8), handled=120, status=handled, kind="offline")  # a5
    alarm(e1, s1, 1, at(2, 9), handled=10, status=AlarmStatus.RETURNED)  # a8
    doc = copy.deepcopy(DEFAULT)
    doc["assessment"]["handle_within"]["1"] = 5
    RuleSet.objects.create(area="320102", version=1, rules=doc)
    alarm(e11, s5, 1, at(1, 9), handled=10, released=40, status=released, false=True,
          version="320102v1")  # b1
    return world
