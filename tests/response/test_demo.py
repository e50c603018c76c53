"""The demo's duty rosters and past incident (data.demo_response): made once, then kept."""

from __future__ import annotations

import pytest

from data.demo_response import INCIDENT_TITLE, demo_response_ensure
from geo.models import Organisation, Role, User
from response.duty.models import DutyLogEntry, DutyRoster
from response.incidents.models import Incident, Stage

pytestmark = pytest.mark.django_db


def test_demo_rosters_and_incident_once(world):
    for division, name in ((world.province, "测试省应急管理厅"), (world.city, "测试市应急管理局"),
                           (world.county_a, "甲县应急管理局")):
        org = Organisation.objects.create(name=name, kind="government", division=division)
    for username, role, division in (("county", Role.COUNTY, world.county_a),
                                     ("city", Role.CITY, world.city),
                                     ("province", Role.PROVINCE, world.province)):
        User.objects.update_or_create(username=username, defaults={
            "role": role, "division": division, "organisation": Organisation.objects.get(
                division=division, kind="government")})
    assert demo_response_ensure("32", "") == {"rosters": 3, "incidents": 1}
    assert demo_response_ensure("32", "") == {"rosters": 0, "incidents": 0}
    county = DutyRoster.objects.get(organisation=org)
    assert [m.user.username for m in county.members.filter(role="leader")][1] == "county"
    incident = Incident.objects.get(title=INCIDENT_TITLE)
    assert (incident.stage, incident.level, incident.deaths) == (Stage.CLOSED, 3, 1)
    assert list(incident.reports.values_list("kind", flat=True)) == [
        "first", "follow_up", "follow_up"]
    assert incident.steps.count() == 5
    assert DutyLogEntry.objects.filter(incident=incident).count() == 2
