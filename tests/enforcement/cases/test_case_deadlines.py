"""Deadlines of a case and the job runner's reminders: once per case and stage, to the
people who may take its next step."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from enforcement import tasks
from enforcement.cases import services
from enforcement.cases.models import Case
from enforcement.cases.selectors import case_due
from geo.models import Notification


def _reminders() -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind="case.deadline").values_list(
        "recipient__username", "key"))


def test_a_stage_due_soon_reminds_its_people_once(offices, case):
    now = timezone.now()
    assert services.case_deadlines_remind(now=now) == 0  # 7 days to file, 3 of warning
    later = now + datetime.timedelta(days=4, minutes=1)
    assert services.case_deadlines_remind(now=later) == 1  # the head approves the filing
    assert services.case_deadlines_remind(now=later + datetime.timedelta(days=9)) == 0
    key = f"case.deadline:{case.pk}:proposed:{case.stage_since:%Y%m%d%H%M%S}"
    assert _reminders() == [("a_head", key)]
    assert Notification.objects.get(kind="case.deadline").title.startswith("案件即将到期")


def test_the_decision_is_due_ninety_days_after_filing(settings, offices, case):
    a = offices["a"]
    case = services.case_advance(case=case, user=a.head, action="file")
    filed = case.filed_at
    assert case_due(case) == filed + datetime.timedelta(days=90)  # investigating: no stage
    settings.CASE_DECISION_DAYS = 30
    assert case_due(case) == filed + datetime.timedelta(days=30)
    sent = services.case_deadlines_remind(now=filed + datetime.timedelta(days=31))
    assert sent == 2 and _reminders() == [
        ("a_handler", f"case.deadline:{case.pk}:decision:{filed:%Y%m%d}"),
        ("a_second", f"case.deadline:{case.pk}:decision:{filed:%Y%m%d}")]
    assert Notification.objects.filter(title__startswith="案件已超期").count() == 2


def test_closed_cases_are_not_reminded_and_the_job_is_thin(offices, case):
    a = offices["a"]
    services.case_advance(case=case, user=a.head, action="cancel", reason="不予立案")
    assert case_due(Case.objects.get(pk=case.pk)) is None
    stamp = int((timezone.now() + datetime.timedelta(days=200)).timestamp())
    assert tasks.case_deadlines(stamp) == 0


def test_each_step_tells_the_next_actors(offices, violation, case):
    a = offices["a"]
    case = services.case_advance(case=case, user=a.head, action="file")
    services.case_update(case=case, user=a.handler, facts="事实", evidence=["笔录"],
                         violation=violation, circumstance="general", penalties=["fine"],
                         fine=Decimal("10000"))
    services.case_advance(case=case, user=a.handler, action="submit_review")
    told = list(Notification.objects.filter(kind="case.step").order_by("id").values_list(
        "recipient__username", "title"))
    assert told == [("a_handler", f"批准立案：{case}"), ("a_second", f"批准立案：{case}"),
                    ("a_legal", f"送法制审核：{case}")]
