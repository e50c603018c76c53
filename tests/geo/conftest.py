"""Departments for the world's government users: notices are written by a department (the
owner in geo.authority) and published by a supervisor outside it."""

from __future__ import annotations

import pytest

from geo.models import Organisation


@pytest.fixture
def departments(world) -> dict[str, Organisation]:
    province = Organisation.objects.create(name="测试省应急管理厅", kind="government",
                                           division=world.province)
    made = {"province": province}
    for name, division, title in (("county_a", world.county_a, "甲县应急管理局"),
                                  ("county_b", world.county_b, "乙县应急管理局")):
        made[name] = Organisation.objects.create(name=title, kind="government",
                                                 division=division, parent=province)
    for name, org in made.items():
        user = world.users[name]
        user.organisation = org
        user.save(update_fields=["organisation"])
    return made
