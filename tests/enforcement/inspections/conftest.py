"""Inspection tests: the shared world, a bureau per county, four inspectors in county A
(the county supervisor among them) and two in county B, and the target library synced."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from enforcement.library.models import Inspector, Target
from enforcement.library.services import inspector_register, targets_sync
from geo.models import Organisation, Role, User


@dataclass
class Staff:
    bureau_a: Organisation
    bureau_b: Organisation
    a: list[Inspector]   # county A; a[0] is the county A supervisor's own certificate
    b: list[Inspector]
    officers: dict[str, User]


def _officer(name: str, org: Organisation) -> User:
    return User.objects.create_user(name, password="pw", role=Role.COUNTY,
                                    division=org.division, organisation=org, first_name=name)


@pytest.fixture
def staff(world) -> Staff:
    bureau_a = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                           division=world.county_a)
    bureau_b = Organisation.objects.create(name="乙县应急管理局", kind="government",
                                           division=world.county_b)
    for key, org in (("county_a", bureau_a), ("county_b", bureau_b)):
        world.users[key].organisation = org
        world.users[key].save()
    province = world.users["province"]
    people_a = [world.users["county_a"]] + [_officer(f"甲执法{i}", bureau_a) for i in (2, 3, 4)]
    people_b = [_officer(f"乙执法{i}", bureau_b) for i in (1, 2)]
    a = [inspector_register(user=province, person=p, certificate_number=f"A{n:04d}")
         for n, p in enumerate(people_a, 1)]
    b = [inspector_register(user=province, person=p, certificate_number=f"B{n:04d}")
         for n, p in enumerate(people_b, 1)]
    targets_sync(user=province)
    assert Target.objects.count() == 8
    return Staff(bureau_a, bureau_b, a, b, {p.username: p for p in people_a + people_b})
