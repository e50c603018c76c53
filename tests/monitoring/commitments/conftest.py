"""Commitment tests: the shared world (counties A and B), a supervising department of
enterprise 1 with one member, an enterprise user of county B, and helpers that file a card
and raise an alarm or warning on an injected clock."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point

from geo.models import Organisation, Role, User
from monitoring.alarms.models import Alarm, EarlyWarning
from monitoring.commitments.services import commitment_file
from registry.enterprises.models import Enterprise

LOCAL = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 2)


def at(hour: int, minute: int = 0, second: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    """A local instant of the test day."""
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=LOCAL)


CARD = {"units_total": 3, "units_running": 2, "units_stopped": 0, "units_overhaul": 1,
        "hot_work_special": 0, "hot_work_first": 1, "hot_work_second": 2, "confined_space": 1,
        "trial_production": False, "start_stop": False, "hazards_safe": True}


def file(enterprise, user, now: datetime.datetime, **changes):
    return commitment_file(enterprise=enterprise, user=user, now=now,
                           card={**CARD, **changes}, principal="王主任", confirmed=True)


def alarm(enterprise, *, raised: datetime.datetime, cleared: datetime.datetime | None = None,
          level: int = 1, direction: str = "high", kind: str = "threshold") -> Alarm:
    return Alarm.objects.create(
        enterprise=enterprise, division_code=enterprise.division_code,
        organisation_id=enterprise.organisation_id, key=f"k-{raised.isoformat()}-{level}",
        kind=kind, level=level, direction=direction, title="储罐液位高高报",
        rules_version="1", raised_at=raised, received_at=raised, cleared_at=cleared,
        geom=Point(118.15, 32.12, srid=4326))


def warning(enterprise, *, level: int, raised: datetime.datetime,
            closed: datetime.datetime | None = None) -> EarlyWarning:
    source = alarm(enterprise, raised=raised, level=2, direction="high")
    return EarlyWarning.objects.create(
        alarm=source, enterprise=enterprise, division_code=enterprise.division_code,
        organisation_id=enterprise.organisation_id, level=level, title="预警", reason="测试",
        rules_version="1", raised_at=raised, closed_at=closed,
        geom=Point(118.15, 32.12, srid=4326))


@pytest.fixture
def people(world):
    """Every enterprise is a hazardous-chemical one (obliged to commit); county A's safety
    bureau supervises enterprise 1; county B has an enterprise user."""
    Enterprise.objects.update(categories=["hazardous_chemicals"])
    for ent in world.enterprises_a + world.enterprises_b:
        ent.refresh_from_db()
    bureau = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    officer = User.objects.create_user("bureau", password="pw", role=Role.COUNTY,
                                       division=world.county_a, organisation=bureau)
    ent = world.enterprises_a[0]
    ent.supervising_department = bureau
    ent.save()
    org_b = Organisation.objects.create(name="测试化工11号有限公司", kind="enterprise",
                                        division=world.county_b)
    ent_b = world.enterprises_b[0]
    ent_b.organisation = org_b
    ent_b.save()
    user_b = User.objects.create_user("ent_b", password="pw", role=Role.ENTERPRISE,
                                      division=world.county_b, organisation=org_b)
    return {**world.users, "bureau": officer, "ent_b": user_b}
