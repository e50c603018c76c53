"""Nudges and escalation (real PostGIS): late check tasks and overdue hidden dangers reach
the enterprise, then its county, city and province a level per N days, each level once;
another county hears nothing."""

from __future__ import annotations

import datetime

import pytest

from enforcement.dangers import checks
from enforcement.dangers.check_models import Checklist, CheckTask
from enforcement.dangers.models import HiddenDanger
from enforcement.dangers.nudges import dangers_escalate, level_reached
from enforcement.tasks import dangers_nudge
from geo.models import Notification, Role, User
from tests.enforcement.dangers.test_loop import register, to_rectifying

D = datetime.date
DUE = D(2026, 12, 1)


@pytest.fixture
def city_user(world):
    return User.objects.create_user("city", password="pw", role=Role.CITY, division=world.city)


@pytest.fixture
def late_task(plant, users, checklists):
    return checks.check_task_create(enterprise=plant, user=users["enterprise"],
                                    checklist=Checklist.objects.get(category="A"),
                                    name="每周排查", frequency="weekly", starts_on=DUE)


def heard(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk")
                .values_list("kind", "key"))


@pytest.mark.parametrize(("days", "step", "level"), [
    (0, 3, -1), (1, 3, 0), (2, 3, 0), (3, 3, 1), (5, 3, 1), (6, 3, 2), (9, 3, 3),
    (40, 3, 3), (1, 1, 1), (3, 1, 3), (-2, 3, -1)])
def test_the_level_reached_by_days_late(days, step, level):
    assert level_reached(days, step) == level


def test_a_late_check_climbs_a_level_per_n_days_and_each_hears_once(late_task, users,
                                                                   city_user, settings):
    settings.DANGER_ESCALATION_DAYS = 3
    assert dangers_escalate(today=DUE) == {"enterprise": 0, "county": 0, "city": 0,
                                           "province": 0}
    assert dangers_escalate(today=D(2026, 12, 2)) == {"enterprise": 1, "county": 0,
                                                      "city": 0, "province": 0}
    assert dangers_escalate(today=D(2026, 12, 3)) == dict.fromkeys(
        ("enterprise", "county", "city", "province"), 0)  # already told
    assert dangers_escalate(today=D(2026, 12, 4))["county"] == 1
    assert dangers_escalate(today=D(2026, 12, 10)) == {"enterprise": 0, "county": 0,
                                                       "city": 1, "province": 1}
    key = f"dangers.check_late:{late_task.pk}:2026-12-01"
    assert heard(users["enterprise"]) == [("dangers.check_late", f"{key}:enterprise")]
    assert heard(users["county_a"]) == [("dangers.check_late", f"{key}:county")]
    assert heard(city_user) == [("dangers.check_late", f"{key}:city")]
    assert heard(users["province"]) == [("dangers.check_late", f"{key}:province")]
    assert heard(users["county_b"]) == [] and heard(users["analyst"]) == []
    body = Notification.objects.get(recipient=users["province"]).body
    assert body == "排查任务应于 2026-12-01 前完成，已逾期 9 天。已逐级上报至省级监管部门。"


def test_a_check_made_starts_the_count_again(late_task, users):
    dangers_escalate(today=D(2026, 12, 2))
    item = late_task.checklist.items.filter(level=2).first()
    checks.check_record_save(task=late_task, user=users["enterprise"],
                             results=[(item, "ok", "")],
                             at=datetime.datetime(2026, 12, 2, 2, tzinfo=datetime.UTC))
    assert CheckTask.objects.get().next_due == D(2026, 12, 9)
    assert dangers_escalate(today=D(2026, 12, 9))["enterprise"] == 0
    assert dangers_escalate(today=D(2026, 12, 10))["enterprise"] == 1


def test_an_overdue_rectification_escalates_like_a_late_check(plant, users, departments):
    danger = to_rectifying(register(plant, users["enterprise"]), users["enterprise"])
    HiddenDanger.objects.filter(pk=danger.pk).update(deadline=DUE)
    Notification.objects.all().delete()
    assert dangers_escalate(today=D(2026, 12, 5)) == {"enterprise": 1, "county": 1,
                                                      "city": 0, "province": 0}
    assert Notification.objects.get(recipient=users["county_a"]).title == \
        "隐患逾期未整改：储罐区防火堤破损"
    HiddenDanger.objects.filter(pk=danger.pk).update(state="awaiting")  # handed in: stops
    assert sum(dangers_escalate(today=D(2026, 12, 30)).values()) == 0


def test_the_job_calls_the_service(late_task, users):
    at = datetime.datetime(2026, 12, 2, 1, tzinfo=datetime.UTC)
    assert dangers_nudge(timestamp=int(at.timestamp()))["enterprise"] == 1
