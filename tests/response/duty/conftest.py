"""Duty tests: county A's emergency bureau with two leaders and three officers."""

from __future__ import annotations

import datetime

import pytest

from geo.models import Organisation, Role, User
from response.duty.services import roster_create


@pytest.fixture
def bureau(world, people):
    org = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                      division=world.county_a)
    staff = {name: User.objects.create_user(name, password="pw", role=Role.COUNTY,
                                            division=world.county_a, organisation=org)
             for name in ("lead1", "lead2", "off1", "off2", "off3")}
    return org, staff


def make_roster(bureau, *, starts_on=datetime.date(2030, 3, 4), days=14, **options):
    org, staff = bureau
    return roster_create(
        user=staff["lead1"], organisation=org, name="甲县应急管理局值班表", starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        leaders=[staff["lead1"], staff["lead2"]],
        officers=[staff["off1"], staff["off2"], staff["off3"]], phone="0000-12345",
        **options)
