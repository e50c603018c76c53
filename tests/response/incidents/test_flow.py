"""Submission up the levels (逐级上报) on geo.workflow.Flow: each step legal only from its
stages and only for a supervisor of the step's level over the place; deadlines move with
the steps; late levels are reminded once per incident and level."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from geo.models import Notification
from response.incidents import flow
from response.incidents.models import IncidentReminder, Stage
from response.incidents.selectors import (
    incidents_overdue,
    incidents_to_receive,
    incidents_to_report,
)
from response.incidents.services import incident_reminders_send, incident_step
from response.tasks import incident_reminders
from tests.response.conftest import at, receive

pytestmark = pytest.mark.django_db


def step(incident, user, action):
    """Take the step, then read the caller's row again (the flow saves a locked copy)."""
    try:
        return incident_step(incident=incident, user=user, action=action)
    finally:
        incident.refresh_from_db()


def test_the_whole_chain_county_city_province(people):
    incident = receive(people["county_a"], level=3, now=timezone.now())
    step(incident, people["county_a"], flow.REPORT_CITY)
    assert incident.stage == Stage.TO_CITY and incident.due_at is not None
    step(incident, people["city"], flow.RECEIVE_CITY)
    step(incident, people["city"], flow.REPORT_PROVINCE)
    assert incident.stage == Stage.TO_PROVINCE and incident.due_at is None
    step(incident, people["province"], flow.RECEIVE_PROVINCE)
    step(incident, people["province"], flow.CLOSE)
    incident.refresh_from_db()
    assert (incident.stage, incident.closed_at is not None) == (Stage.CLOSED, True)
    assert list(incident.steps.values_list("action", "stage")) == [
        ("report_city", "to_city"), ("receive_city", "city"),
        ("report_province", "to_province"), ("receive_province", "province"),
        ("close", "closed")]


@pytest.mark.parametrize("who", ["county_b", "city", "province", "enterprise", "analyst"])
def test_only_the_county_reports_to_the_city(people, who):
    incident = receive(people["county_a"])
    with pytest.raises(PermissionDenied):
        step(incident, people[who], flow.REPORT_CITY)
    incident.refresh_from_db()
    assert incident.stage == Stage.COUNTY
    assert not flow.SUBMISSION.may(flow.REPORT_CITY, people[who], incident)


def test_admin_may_take_any_step(people):
    incident = receive(people["county_a"])
    assert flow.SUBMISSION.actions(people["admin"], incident) == [flow.REPORT_CITY]
    step(incident, people["admin"], flow.REPORT_CITY)


@pytest.mark.parametrize("who", ["county_a", "province"])
def test_only_the_city_receives(people, who):
    incident = receive(people["county_a"])
    step(incident, people["county_a"], flow.REPORT_CITY)
    with pytest.raises(PermissionDenied):
        step(incident, people[who], flow.RECEIVE_CITY)


def test_steps_from_the_wrong_stage_are_refused(people):
    incident = receive(people["county_a"])
    with pytest.raises(ValidationError):  # not yet sent to the city
        step(incident, people["city"], flow.RECEIVE_CITY)
    step(incident, people["county_a"], flow.REPORT_CITY)
    with pytest.raises(ValidationError):  # already sent
        step(incident, people["county_a"], flow.REPORT_CITY)
    with pytest.raises(ValidationError):  # nothing is at the province
        step(incident, people["province"], flow.RECEIVE_PROVINCE)


def test_the_city_may_forward_before_receiving(people):
    incident = receive(people["county_a"], level=2)
    step(incident, people["county_a"], flow.REPORT_CITY)
    assert flow.SUBMISSION.actions(people["city"], incident) == [
        flow.RECEIVE_CITY, flow.REPORT_PROVINCE]
    step(incident, people["city"], flow.REPORT_PROVINCE)


def test_no_close_while_a_report_up_is_due(people):
    ordinary = receive(people["county_a"], level=4)
    with pytest.raises(ValidationError):  # 一般 still goes to the city
        step(ordinary, people["county_a"], flow.CLOSE)
    step(ordinary, people["county_a"], flow.REPORT_CITY)
    step(ordinary, people["city"], flow.RECEIVE_CITY)
    assert ordinary.due_at is None
    step(ordinary, people["city"], flow.CLOSE)
    larger = receive(people["county_a"], level=3)
    step(larger, people["county_a"], flow.REPORT_CITY)
    step(larger, people["city"], flow.RECEIVE_CITY)
    with pytest.raises(ValidationError):  # 较大 goes on to the province
        step(larger, people["city"], flow.CLOSE)


def test_a_report_up_tells_the_level_above(people):
    incident = receive(people["county_a"])
    step(incident, people["county_a"], flow.REPORT_CITY)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["city"]


def test_queues_of_the_level_above(people):
    incident = receive(people["county_a"], level=3)
    assert list(incidents_to_report(user=people["county_a"])) == [incident]
    assert incidents_to_report(user=people["county_b"]).count() == 0
    assert incidents_to_receive(user=people["county_a"]) is None
    assert incidents_to_receive(user=people["enterprise"]) is None
    step(incident, people["county_a"], flow.REPORT_CITY)
    assert incidents_to_report(user=people["county_a"]).count() == 0
    assert list(incidents_to_receive(user=people["city"])) == [incident]
    assert list(incidents_to_report(user=people["city"])) == [incident]
    assert incidents_to_receive(user=people["province"]).count() == 0


def test_overdue_and_reminded_once_per_level(people, world):
    incident = receive(people["county_a"], level=3, now=at(9))
    assert list(incidents_overdue(scope=_scope(people["county_a"]), now=at(10, 59))) == []
    assert list(incidents_overdue(scope=_scope(people["county_a"]), now=at(11, 1))) == [incident]
    assert list(incidents_overdue(scope=_scope(people["county_b"]), now=at(11, 1))) == []
    assert incident_reminders_send(now=at(11, 1)) == 1
    assert incident_reminders_send(now=at(11, 30)) == 0  # once for the county
    assert _overdue_messages(people["county_a"]) == 1
    step(incident, people["county_a"], flow.REPORT_CITY)  # late: marked on the step
    assert incident.steps.get().overdue is True
    due = incident.due_at
    assert incident_reminders_send(now=due + datetime.timedelta(minutes=1)) == 1  # the city's
    assert incident_reminders_send(now=due + datetime.timedelta(minutes=9)) == 0
    assert sorted(IncidentReminder.objects.values_list("holder", flat=True)) == ["city", "county"]
    assert _overdue_messages(people["city"]) == 1


def test_the_job_is_thin(people):
    receive(people["county_a"], level=3, now=at(9))
    assert incident_reminders(int(at(12).timestamp())) == 1
    assert incident_reminders(int(at(13).timestamp())) == 0


def _overdue_messages(user) -> int:
    return Notification.objects.filter(recipient=user, kind="incident.overdue").count()


def _scope(user):
    from geo.scope import scope_for_user
    return scope_for_user(user)
