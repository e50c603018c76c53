"""Licences (证照): expiry stages on a fixed clock, scope, validation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from geo.scope import EVERYTHING, scope_for_user
from registry.licence_models import Licence, LicenceKind
from registry.licences.selectors import licences_expiring
from registry.licences.services import licence_create

TODAY = datetime.date(2026, 1, 15)


def _licence(enterprise, days_left: int, number: str | None = None) -> Licence:
    return licence_create(
        enterprise=enterprise, kind=LicenceKind.SAFETY_PRODUCTION,
        number=number or f"(苏)WH安许证字[{days_left}]", issuer="测试省应急管理厅",
        valid_from=TODAY - datetime.timedelta(days=1000),
        valid_to=TODAY + datetime.timedelta(days=days_left))


@pytest.mark.parametrize(("days_left", "stage"), [
    (-30, "expired"), (-1, "expired"), (0, "7"), (1, "7"), (7, "7"), (8, "30"), (30, "30"),
    (31, "90"), (90, "90"), (91, None), (400, None),
])
def test_stage_boundaries(world, days_left, stage):
    licence = _licence(world.enterprises_a[0], days_left)
    rows = list(licences_expiring(scope=EVERYTHING, today=TODAY))
    assert [(r.pk, r.warning_stage) for r in rows] == [(licence.pk, stage)]


def test_all_stages_in_one_query_ordered_by_expiry(world, django_assert_num_queries):
    ent = world.enterprises_a[0]
    for days in (91, 90, 31, 30, 8, 7, 0, -1):
        _licence(ent, days)
    with django_assert_num_queries(1):
        rows = [(r.valid_to - TODAY).days for r in licences_expiring(scope=EVERYTHING,
                                                                      today=TODAY)]
    assert rows == [-1, 0, 7, 8, 30, 31, 90, 91]
    warned = licences_expiring(scope=EVERYTHING, today=TODAY, warned_only=True)
    assert [r.warning_stage for r in warned] == ["expired", "7", "7", "30", "30", "90", "90"]


def test_scope(world):
    a_own, a_other = world.enterprises_a[0], world.enterprises_a[1]
    own = _licence(a_own, 10, "A-1")
    other_a = _licence(a_other, 10, "A-2")
    in_b = _licence(world.enterprises_b[0], 10, "B-1")
    assert own.division_code == a_own.division_code
    assert own.organisation_id == a_own.organisation_id is not None

    def seen(user: str) -> list[str]:
        scope = scope_for_user(world.users[user])
        return [r.number for r in licences_expiring(scope=scope, today=TODAY).order_by("number")]

    assert seen("county_b") == ["B-1"]
    assert seen("county_a") == ["A-1", "A-2"]
    assert seen("enterprise") == ["A-1"]
    assert seen("province") == ["A-1", "A-2", "B-1"]
    assert seen("admin") == ["A-1", "A-2", "B-1"]
    assert {other_a.pk, in_b.pk}.isdisjoint(
        r.pk for r in licences_expiring(scope=scope_for_user(world.users["enterprise"]),
                                        today=TODAY))


def test_valid_to_before_valid_from_names_the_field(world):
    with pytest.raises(ValidationError) as caught:
        licence_create(enterprise=world.enterprises_a[0], kind=LicenceKind.OTHER, number="X-1",
                       issuer="测试市应急管理局", valid_from=TODAY,
                       valid_to=TODAY - datetime.timedelta(days=1))
    assert list(caught.value.message_dict) == ["valid_to"]
    assert caught.value.message_dict["valid_to"] == ["有效期至不得早于有效期起"]
    assert Licence.objects.count() == 0


def test_same_day_validity_is_allowed(world):
    licence = licence_create(enterprise=world.enterprises_a[0], kind=LicenceKind.OTHER,
                             number="X-2", issuer="测试市应急管理局", valid_from=TODAY,
                             valid_to=TODAY)
    assert licence.valid_to == licence.valid_from


def test_unknown_kind_names_the_field(world):
    with pytest.raises(ValidationError) as caught:
        licence_create(enterprise=world.enterprises_a[0], kind="driving", number="X-3",
                       issuer="测试市应急管理局", valid_from=TODAY, valid_to=TODAY)
    assert list(caught.value.message_dict) == ["kind"]


def test_database_rejects_inverted_period(world):
    """The check constraint guards writes that skip the service."""
    ent = world.enterprises_a[0]
    with pytest.raises(IntegrityError):
        Licence.objects.create(enterprise=ent, division_code=ent.division_code,
                               kind=LicenceKind.OTHER, number="X-4", issuer="x",
                               valid_from=TODAY, valid_to=TODAY - datetime.timedelta(days=1))
