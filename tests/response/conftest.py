"""Response tests: the shared world (province, city, counties A and B) with a city
supervisor, and helpers that receive an incident on a given clock."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point

from geo.models import Role, User
from response.incidents.services import Report, incident_receive

LOCAL = ZoneInfo("Asia/Shanghai")
IN_A = Point(118.2, 32.2, srid=4326)   # inside county A
IN_B = Point(118.7, 32.2, srid=4326)   # inside county B


def at(hour: int, minute: int = 0, day: int = 2) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=LOCAL)


def receive(user, *, level: int = 3, point=IN_A, now=None, **extra):
    now = now or at(9)
    return incident_receive(
        user=user, title=extra.pop("title", "某化工厂储罐泄漏"), kind=extra.pop("kind", "21"),
        point=point, occurred_at=now - datetime.timedelta(minutes=20),
        report=Report(level=level, text="储罐区发生泄漏，现场有人员受伤", reporter="张三",
                      injuries=2), now=now, **extra)


@pytest.fixture
def people(world):
    users = dict(world.users)
    users["city"] = User.objects.create_user("city", password="pw-city", role=Role.CITY,
                                             division=world.city)
    return users
