"""An agency per county with its people: the head (负责人), a legal reviewer (法制审核),
two handlers (执法人员); a discretion benchmark for one violation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from enforcement.cases import services
from enforcement.cases.models import Case, Circumstance, DiscretionRange, Violation
from geo.models import Organisation, Post, Role, User


@dataclass
class Office:
    agency: Organisation
    head: User
    legal: User
    handler: User
    second: User
    clerk: User   # a supervisor of the agency who handles nothing and holds no post


def _office(world, code: str, division, title: str) -> Office:
    agency = Organisation.objects.create(name=title, kind="government", division=division)

    def person(name: str, posts=()) -> User:
        return User.objects.create_user(f"{code}_{name}", password="pw", role=Role.COUNTY,
                                        division=division, organisation=agency,
                                        posts=list(posts))

    return Office(agency, person("head", [Post.HEAD]), person("legal", [Post.LEGAL]),
                  person("handler"), person("second"), person("clerk"))


@pytest.fixture
def offices(world) -> dict[str, Office]:
    return {"a": _office(world, "a", world.county_a, "甲县应急管理局"),
            "b": _office(world, "b", world.county_b, "乙县应急管理局")}


@pytest.fixture
def violation(db) -> Violation:
    v = Violation.objects.create(
        code="AQ-27-1", name="特种作业人员未按照规定经专门的安全作业培训并取得相应资格",
        legal_basis="《中华人民共和国安全生产法》第三十条第一款",
        penalty_basis="《中华人民共和国安全生产法》第九十七条第（七）项")
    bands = [(Circumstance.MINOR, "0", "10000"), (Circumstance.GENERAL, "10000", "50000"),
             (Circumstance.SERIOUS, "50000", "80000"), (Circumstance.GRAVE, "80000", "100000")]
    for circumstance, low, high in bands:
        DiscretionRange.objects.create(violation=v, circumstance=circumstance,
                                    fine_min=Decimal(low), fine_max=Decimal(high))
    return v


@pytest.fixture
def case(world, offices) -> Case:
    a = offices["a"]
    return services.case_open(user=a.handler, agency=a.agency, cause="特种作业人员无证上岗",
                              members=[a.handler, a.second],
                              enterprise=world.enterprises_a[0])
