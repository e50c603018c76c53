"""Fixtures of the hidden-danger slice: the world's first enterprise (the one with an
organisation and an enterprise user) supervised by 甲县应急管理局, whose county supervisor
belongs to it; 乙县's supervisor belongs to its own bureau."""

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


@pytest.fixture
def plant(world, departments):
    """The enterprise with an organisation, supervised by 甲县应急管理局."""
    enterprise = world.enterprises_a[0]
    enterprise.supervising_department = departments["county_a"]
    enterprise.save(update_fields=["supervising_department"])
    return enterprise


@pytest.fixture
def users(world):
    return world.users
