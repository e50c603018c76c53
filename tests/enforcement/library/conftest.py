"""Library tests: the shared world plus a government bureau in each county with two
officers, so inspectors can be registered and drawn."""

from __future__ import annotations

import pytest

from geo.models import Organisation, Role, User


def officer(name: str, org: Organisation, role: str = Role.COUNTY) -> User:
    return User.objects.create_user(name, password="pw", role=role, division=org.division,
                                    organisation=org, first_name=name)


@pytest.fixture
def bureaus(world):
    a = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                    division=world.county_a)
    b = Organisation.objects.create(name="乙县应急管理局", kind="government",
                                    division=world.county_b)
    world.users["county_a"].organisation = a
    world.users["county_a"].save()
    world.users["county_b"].organisation = b
    world.users["county_b"].save()
    return {"a": a, "b": b}
