"""Incident intake (事件接报): the first report, follow-ups (续报), the place from the point,
the deadlines by level and who may write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from response.incidents.models import Incident, Stage
from response.incidents.services import Report, incident_follow_up
from tests.response.conftest import IN_A, IN_B, at, receive

pytestmark = pytest.mark.django_db
TWO_HOURS = datetime.timedelta(hours=2)


def test_county_receives_with_division_from_point_and_a_deadline(people):
    incident = receive(people["county_a"], level=3)
    assert incident.division_code == "320101000000"  # county A's boundary covers the point
    assert incident.stage == Stage.COUNTY
    assert incident.due_at == at(11)  # reported to the city within 2 h of receipt
    assert incident.injuries == 2
    first = incident.reports.get()
    assert (first.seq, first.kind, first.level, first.injuries) == (1, "first", 3, 2)


def test_city_receiving_an_ordinary_incident_owes_nothing_above(people):
    incident = receive(people["city"], level=4)
    assert incident.stage == Stage.CITY
    assert incident.due_at is None  # 一般: up to the city only
    larger = receive(people["city"], level=3)
    assert larger.due_at == at(11)  # 较大: on to the province


def test_report_window_is_a_setting(people, settings):
    settings.INCIDENT_REPORT_MINUTES = 60
    assert receive(people["county_a"]).due_at == at(10)


def test_another_county_cannot_receive_here(people):
    with pytest.raises(ValidationError) as refused:
        receive(people["county_b"], point=IN_A)
    assert "geom" in refused.value.message_dict
    assert receive(people["county_b"], point=IN_B).division_code == "320102000000"


@pytest.mark.parametrize("who", ["enterprise", "analyst"])
def test_only_bureaus_receive(people, who):
    with pytest.raises(PermissionDenied):
        receive(people[who])
    assert not Incident.objects.exists()


def test_address_only_places_it_in_the_receiving_division(people):
    incident = receive(people["county_a"], point=None, address="甲县化工园区纬三路")
    assert (incident.division_code, incident.located) == ("320101000000", False)
    with pytest.raises(ValidationError):
        receive(people["county_a"], point=None)


def test_follow_ups_chain_and_raise_the_level(people):
    incident = receive(people["city"], level=4, now=at(9))
    assert incident.due_at is None
    report = Report(level=3, text="续报：死亡1人", reporter="李四", deaths=1, injuries=3)
    second = incident_follow_up(incident=incident, user=people["county_a"], report=report,
                                now=at(10))
    incident.refresh_from_db()
    assert (second.seq, second.kind) == (2, "follow_up")
    assert (incident.level, incident.deaths, incident.injuries) == (3, 1, 3)
    assert incident.due_at == at(12)  # now 较大 at the city: the province within 2 h
    lowered = Report(level=4, text="核实为一般", reporter="李四")
    incident_follow_up(incident=incident, user=people["city"], report=lowered, now=at(10, 30))
    incident.refresh_from_db()
    assert incident.due_at is None
    assert list(incident.reports.values_list("seq", flat=True)) == [1, 2, 3]


def test_follow_up_refused_to_another_county_and_after_close(people):
    incident = receive(people["county_a"], level=4)
    report = Report(level=4, text="x", reporter="y")
    with pytest.raises(PermissionDenied):
        incident_follow_up(incident=incident, user=people["county_b"], report=report)
    Incident.objects.filter(pk=incident.pk).update(stage=Stage.CLOSED)
    with pytest.raises(ValidationError):
        incident_follow_up(incident=incident, user=people["county_a"], report=report)
    assert incident.reports.count() == 1


def test_chain_level_from_the_division_code():
    from response.incidents.reporting import level_of
    assert [level_of(c) for c in ("320000000000", "320100000000", "320101000000",
                                  "320101001000", "390221400003")] == [
        "province", "city", "county", None, None]


def test_header_counts_cost_no_division_query(people, django_assert_num_queries):
    from geo.models import User
    from geo.queues import header_counts
    city = User.objects.get(pk=people["city"].pk)  # division not loaded
    header_counts(city)  # warm the scope cache
    city = User.objects.get(pk=people["city"].pk)
    with django_assert_num_queries(1):
        header_counts(city)
