"""Licences (证照): expiry stages on a fixed clock, scope, validation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from geo.scope import EVERYTHING, scope_for_user
from registry.licences.models import Licence, LicenceKind
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


# ---- warnings sent (证照到期提醒) and the warnings page ---------------------------------

def test_warnings_go_once_per_stage_to_enterprise_and_department(world, settings):
    from geo.models import Notification, Organisation, Role, User
    from registry.licences.notifications import licence_expiry_notify

    settings.SMS_BACKEND = "geo.sms.LocmemBackend"
    ent = world.enterprises_a[0]                       # owned by the enterprise user's org
    dept = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                       division=world.county_a)
    officer = User.objects.create_user("dept_officer", role=Role.COUNTY,
                                       division=world.county_a, organisation=dept)
    type(ent).objects.filter(pk=ent.pk).update(supervising_department=dept)
    _licence(ent, 30)
    _licence(world.enterprises_a[1], 200)              # not due: no message
    assert licence_expiry_notify(today=TODAY) == 2     # enterprise user + department officer
    assert licence_expiry_notify(today=TODAY) == 0     # rerun the same day: nothing new
    assert licence_expiry_notify(today=TODAY + datetime.timedelta(days=1)) == 0  # still "30"
    assert licence_expiry_notify(today=TODAY + datetime.timedelta(days=23)) == 2  # now "7"
    assert licence_expiry_notify(today=TODAY + datetime.timedelta(days=31)) == 2  # expired
    got = sorted(Notification.objects.filter(recipient=officer).values_list("key", flat=True))
    assert [k.split(":")[2] for k in got] == ["30", "7", "expired"]
    first = Notification.objects.filter(recipient=world.users["enterprise"]).earliest("id")
    assert "剩余30天" in first.body and ent.name in first.body
    assert not Notification.objects.filter(recipient=world.users["county_b"]).exists()


def test_warnings_page_is_scoped_and_counts_by_stage(world, client, settings):
    from django.utils import timezone
    today = timezone.localdate()
    for days, ent in ((5, world.enterprises_a[0]), (60, world.enterprises_a[1]),
                      (-2, world.enterprises_b[0]), (300, world.enterprises_a[2])):
        licence_create(enterprise=ent, kind=LicenceKind.SAFETY_PRODUCTION,
                       number=f"NO-{days}", issuer="测试", valid_from=today.replace(year=2020),
                       valid_to=today + datetime.timedelta(days=days))
    client.force_login(world.users["county_a"])
    page = client.get("/licences/").content.decode()
    assert "NO-5" in page and "NO-60" in page
    assert "NO--2" not in page and "NO-300" not in page      # other county; not due
    assert "NO-60" not in client.get("/licences/?stage=7").content.decode()
    client.force_login(world.users["county_b"])
    assert "NO--2" in client.get("/licences/?stage=expired").content.decode()
    assert "NO-5" not in client.get("/licences/").content.decode()
    client.logout()
    assert client.get("/licences/").status_code == 302


def test_warnings_page_pages_keep_the_filter(world, client):
    from django.utils import timezone
    today = timezone.localdate()
    for n in range(55):
        licence_create(enterprise=world.enterprises_a[n % 5], kind=LicenceKind.SAFETY_PRODUCTION,
                       number=f"P-{n:02d}", issuer="测试", valid_from=today.replace(year=2020),
                       valid_to=today + datetime.timedelta(days=3))
    client.force_login(world.users["county_a"])
    first = client.get("/licences/?stage=7").content.decode()
    assert first.count("P-") == 50 and 'href="?stage=7&amp;page=2"' in first
    second = client.get("/licences/?stage=7&page=2").content.decode()
    assert second.count("P-") == 5 and 'href="?stage=7&amp;page=1"' in second
