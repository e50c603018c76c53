"""Dynamic risk tests: the world's enterprises given hazard sources, alarms, warnings and
gateways whose contributions are computed by hand in the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from monitoring.alarms.models import Alarm, EarlyWarning
from monitoring.devices.models import Gateway
from registry.hazards.models import HazardSource

# 10:00 in Shanghai on 2 December: the local day is 2026-12-02
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def hazard(ent, *, level, s_value, major=True) -> HazardSource:
    x, y = ent.geom.x, ent.geom.y
    return HazardSource.objects.create(
        enterprise=ent, name=f"{ent.name}罐区", kind="storage", division_code=ent.division_code,
        organisation=ent.organisation, level=level, s_value=s_value, is_major=major,
        geom=MultiPolygon(Polygon.from_bbox((x, y, x + 0.001, y + 0.001)), srid=4326))


def alarm(ent, *, level, hours, status="pushed", handled=False, key="k") -> Alarm:
    raised = NOW - timedelta(hours=hours)
    return Alarm.objects.create(
        enterprise=ent, key=f"{key}-{level}-{hours}-{status}", kind="threshold", level=level,
        title="测试报警", rules_version="rules-1", raised_at=raised, received_at=raised,
        status=status, handled_at=raised + timedelta(minutes=30) if handled else None,
        division_code=ent.division_code, organisation=ent.organisation, geom=ent.geom)


def warning(a: Alarm, *, level, closed=False) -> EarlyWarning:
    return EarlyWarning.objects.create(
        alarm=a, enterprise=a.enterprise, level=level, title="测试预警", reason="测试",
        rules_version="rules-1", raised_at=a.raised_at, closed_at=NOW if closed else None,
        division_code=a.division_code, organisation=a.organisation, geom=a.geom)


def gateway(ent, code: str, *, online: bool, in_use: bool = True) -> Gateway:
    return Gateway.objects.create(enterprise=ent, code=code, name=code, online=online,
                                  in_use=in_use, division_code=ent.division_code,
                                  organisation=ent.organisation,
                                  geom=Point(ent.geom.x, ent.geom.y, srid=4326))


@pytest.fixture
def risky(world):
    """A1 a graded source, open and handled alarms, warnings, 3 of 4 gateways online;
    A3 everything at its cap; the others nothing."""
    a1, a3 = world.enterprises_a[0], world.enterprises_a[2]
    hazard(a1, level=2, s_value=3.5)
    hazard(a1, level=None, s_value=0.4, major=False)
    first = alarm(a1, level=1, hours=6)                                   # open, not handled
    second = alarm(a1, level=2, hours=30, status="handled", handled=True)  # open, handled
    alarm(a1, level=1, hours=50, status="released", handled=True)         # closed: ignored
    warning(first, level=1)
    warning(second, level=2, closed=True)                                 # closed: ignored
    for i, online in enumerate((True, True, True, False)):
        gateway(a1, f"gw-a1-{i}", online=online)
    gateway(a1, "gw-a1-spare", online=False, in_use=False)                # not in use
    hazard(a3, level=1, s_value=12)
    for i in range(4):
        a = alarm(a3, level=1, hours=48, key=f"a3-{i}")
        if i < 2:
            warning(a, level=1)
    gateway(a3, "gw-a3", online=False)
    return world
