"""Rosters: shifts by pattern and rotation, who may make them, and the scope."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from geo.scope import scope_for_user
from response.duty.models import DutyShift
from response.duty.rotation import shifts_plan
from response.duty.selectors import duty_now, rosters_scoped
from response.duty.services import roster_create
from tests.response.duty.conftest import make_roster

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
MON = datetime.date(2030, 3, 4)


def _plan(**options):
    defaults = {"starts_on": MON, "ends_on": MON + datetime.timedelta(days=13),
                "pattern": "day_night", "rotation": "weekly",
                "day_starts": datetime.time(8, 30), "night_starts": datetime.time(17, 30),
                "leaders": [1, 2], "officers": [11, 12, 13], "zone": ZONE}
    return shifts_plan(**{**defaults, **options})


def test_day_night_weekly_rotation():
    plan = _plan()
    assert len(plan) == 28  # 14 days × 2 shifts
    first, night = plan[0], plan[1]
    assert (first.kind, first.leader_id, first.officer_id) == ("day", 1, 11)
    assert (night.kind, night.leader_id, night.officer_id) == ("night", 1, 12)
    assert first.starts_at == datetime.datetime(2030, 3, 4, 8, 30, tzinfo=ZONE)
    assert first.ends_at == night.starts_at == datetime.datetime(2030, 3, 4, 17, 30, tzinfo=ZONE)
    assert night.ends_at == datetime.datetime(2030, 3, 5, 8, 30, tzinfo=ZONE)
    sunday = plan[13]  # the first week keeps the same people
    assert (sunday.day, sunday.leader_id, sunday.officer_id) == (MON + datetime.timedelta(6),
                                                                 1, 12)
    week2 = plan[14:16]
    assert [(s.leader_id, s.officer_id) for s in week2] == [(2, 12), (2, 13)]


def test_full_day_daily_rotation():
    plan = _plan(pattern="full_day", rotation="daily", ends_on=MON + datetime.timedelta(3))
    assert [(s.kind, s.leader_id, s.officer_id) for s in plan] == [
        ("full", 1, 11), ("full", 2, 12), ("full", 1, 13), ("full", 2, 11)]
    assert plan[0].ends_at - plan[0].starts_at == datetime.timedelta(hours=24)


def test_roster_generates_its_shifts(bureau):
    roster = make_roster(bureau)
    assert roster.division_code == "320101000000"
    assert roster.shifts.count() == 28
    assert list(roster.members.values_list("role", "order")) == [
        ("leader", 0), ("leader", 1), ("officer", 0), ("officer", 1), ("officer", 2)]


def test_roster_checks(bureau):
    with pytest.raises(ValidationError) as bad:
        make_roster(bureau, days=0)
    assert "ends_on" in bad.value.message_dict
    org, staff = bureau
    with pytest.raises(ValidationError) as bad:
        roster_create(user=staff["lead1"], organisation=org, name="x", starts_on=MON,
                      ends_on=MON, leaders=[staff["lead1"]], officers=[staff["off1"]])
    assert "officers" in bad.value.message_dict  # day and night need two
    assert not DutyShift.objects.exists()


def test_who_may_make_a_roster(bureau, people):
    with pytest.raises(PermissionDenied):
        _make_as(bureau, people["county_b"])
    with pytest.raises(PermissionDenied):
        _make_as(bureau, people["enterprise"])
    assert _make_as(bureau, people["city"]).pk  # the level above may


def _make_as(bureau, user):
    org, staff = bureau
    return roster_create(user=user, organisation=org, name="x", starts_on=MON, ends_on=MON,
                         leaders=[staff["lead1"]], officers=[staff["off1"], staff["off2"]])


def test_scope_and_duty_now(bureau, people):
    roster = make_roster(bureau)
    now = datetime.datetime(2030, 3, 4, 20, 0, tzinfo=ZONE)
    for who in ("county_a", "city", "province"):
        assert list(rosters_scoped(scope=scope_for_user(people[who]))) == [roster]
    for who in ("county_b", "enterprise"):
        assert not rosters_scoped(scope=scope_for_user(people[who])).exists()
        assert duty_now(scope=scope_for_user(people[who]), now=now) == []
    [shift] = duty_now(scope=scope_for_user(people["county_a"]), now=now)
    assert (shift.kind, shift.officer.username) == ("night", "off2")
