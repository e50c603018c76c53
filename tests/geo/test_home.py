"""The workbench (geo.home): each role's home shows its own to-dos (the header's work queues,
counted in the same one query), the figures of its area or its firm, and nothing of another
jurisdiction; blocks come from the slices' home.py and cost a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo import home
from geo.models import Organisation, Role, User
from monitoring.alarms.models import Alarm, EarlyWarning
from registry.licences.services import licence_create

TODAY = timezone.localdate()


def page(user=None) -> str:
    c = Client()
    if user is not None:
        c.force_login(user)
    response = c.get("/")
    assert response.status_code == 200
    return response.content.decode()


def block(html: str, key: str) -> str | None:
    found = re.search(rf'<section class="card block[^"]*" id="block-{key}">(.*?)</section>',
                      html, re.S)
    return found.group(1) if found else None


def figure(html: str, key: str, label: str) -> str:
    found = re.search(rf"<b>([^<]*)</b><span>{re.escape(label)}</span>", block(html, key) or "")
    assert found, (key, label)
    return found.group(1)


def todo(html: str, key: str) -> int | None:
    found = re.search(rf'id="todo-{key}" class="\w+">[^<]*<b>(\d+)</b>', html)
    return int(found.group(1)) if found else None


def _warning(enterprise, n: int) -> EarlyWarning:
    now = timezone.now() - datetime.timedelta(minutes=n)
    common = {"enterprise": enterprise, "division_code": enterprise.division_code,
              "organisation_id": enterprise.organisation_id, "rules_version": "t",
              "raised_at": now, "geom": Point(enterprise.geom.x, enterprise.geom.y, srid=4326)}
    alarm = Alarm.objects.create(key=f"k{enterprise.pk}-{n}", kind="threshold", level=1,
                                 title=f"报警{n}", received_at=now, **common)
    return EarlyWarning.objects.create(alarm=alarm, level=1 + n % 4, reason="测试",
                                       title=f"{enterprise.name}预警{n}", **common)


@pytest.fixture
def waiting(world):
    """An expired licence in each county (county A's is the `enterprise` user's firm's),
    an open warning in each county."""
    for ent in (world.enterprises_a[0], world.enterprises_b[0]):
        licence_create(enterprise=ent, kind="other", number=f"L-{ent.pk}", issuer="测试局",
                       valid_from=TODAY - datetime.timedelta(days=400),
                       valid_to=TODAY - datetime.timedelta(days=3))
        _warning(ent, 1)


def test_each_government_level_sees_the_figures_of_its_own_area(world, waiting):
    for name, enterprises, red, orange in (("province", "8", "2", "3"),
                                           ("county_a", "5", "1", "2"),
                                           ("county_b", "3", "1", "1"),
                                           ("analyst", "8", "2", "3")):
        html = page(world.users[name])
        assert figure(html, "area", "企业") == enterprises, name
        assert re.search(rf"重大风险（红）</span>.*?<b>{red}</b>", block(html, "area"), re.S)
        assert re.search(rf"较大风险（橙）</span>.*?<b>{orange}</b>", block(html, "area"), re.S)
        assert block(html, "firm") is None
    # the newest warnings: each county its own
    assert world.enterprises_a[0].name in block(page(world.users["county_a"]), "warnings_recent")
    assert world.enterprises_b[0].name not in block(page(world.users["county_a"]),
                                                    "warnings_recent")
    assert figure(page(world.users["county_b"]), "licences", "已过期") == "1"
    assert figure(page(world.users["province"]), "licences", "已过期") == "2"


def test_each_role_sees_its_own_to_dos(world, waiting):
    assert todo(page(world.users["county_a"]), "licences_expired") == 1
    assert todo(page(world.users["county_b"]), "licences_expired") == 1
    assert todo(page(world.users["province"]), "licences_expired") == 2
    assert todo(page(world.users["enterprise"]), "licences_expired") == 1  # its own, to renew
    analyst = page(world.users["analyst"])  # reads only: nothing to decide or renew
    assert todo(analyst, "licences_expired") is None and todo(analyst, "hazard_filings") is None
    assert todo(page(world.users["county_a"]), "hazard_filings") == 0  # listed while empty


def test_the_enterprise_sees_its_firm_not_an_area(world, waiting):
    html = page(world.users["enterprise"])
    own = world.enterprises_a[0]
    assert block(html, "area") is None
    assert own.name in block(html, "firm")
    assert figure(html, "firm", "风险等级") == "较大风险（橙）"
    assert figure(html, "hazards", "合计") == "0" and figure(html, "licences", "已过期") == "1"
    assert world.enterprises_b[0].name not in html
    assert 'id="home-firm" ' not in html and 'href="/enterprises/mine/" id="home-firm"' in html
    c = Client()
    c.force_login(world.users["enterprise"])
    assert c.get("/enterprises/mine/").url == f"/enterprises/{own.pk}/"


def test_a_visitor_sees_the_portal_and_public_shortcuts_only(world, waiting):
    html = page()
    assert "安全图谱：安全生产监管与应急管理平台" in html and 'id="home-login"' in html
    for absent in ('id="home-todos"', 'id="block-area"', 'id="block-warnings_recent"',
                   'id="block-licences"', 'id="home-alarms"'):
        assert absent not in html
    assert 'id="block-notices"' in html and 'id="home-knowledge"' in html


def test_overseers_get_no_figures(world):
    auditor = User.objects.create_user("auditor", password="pw", role=Role.AUDITOR)
    html = page(auditor)
    assert all(block(html, key) is None for key in ("area", "hazards", "licences", "monitoring"))


def _queries(user) -> int:
    c = Client()
    c.force_login(user)
    c.get("/")  # sessions, scope cache warmed
    cache.clear()  # the shared blocks built again: the worst case
    with CaptureQueriesContext(connection) as captured:
        assert c.get("/").status_code == 200
    return len(captured)


def test_the_home_costs_a_fixed_number_of_queries(world, waiting, django_assert_max_num_queries):
    county = world.users["county_a"]
    before = _queries(county)
    for n in range(2, 8):  # more rows in every block: no query per row
        _warning(world.enterprises_a[n % 5], n)
        licence_create(enterprise=world.enterprises_a[n % 5], kind="other", number=f"M-{n}",
                       issuer="测试局", valid_from=TODAY - datetime.timedelta(days=400),
                       valid_to=TODAY - datetime.timedelta(days=n))
    assert _queries(county) == before
    c = Client()
    c.force_login(county)
    c.get("/")
    cache.clear()
    # the user, the division of the greeting, the notices, one query for the header's and
    # the to-dos' counts, one per block (the monitoring block two; who is on duty, risk
    # points, inspections, cases), the bureau's systems (geo.portal)
    with django_assert_max_num_queries(14):
        c.get("/")
    with CaptureQueriesContext(connection) as cached:  # shared blocks from the cache
        c.get("/")
    assert len(cached) <= before - 9  # the nine of the shared blocks


def test_blocks_register_by_key_once(world):
    keys = [b.key for b in home._blocks.all()]
    assert len(keys) == len(set(keys))
    assert {"notices", "area", "firm", "hazards", "warnings_recent", "monitoring",
            "licences"} <= set(keys)


@pytest.fixture
def agency(world) -> User:
    org = Organisation.objects.create(name="测试评价公司", kind="agency", division=world.county_a)
    return User.objects.create_user("agency", password="pw", role=Role.AGENCY, organisation=org)


def test_the_navigation_fits_the_role(world, agency):
    province, enterprise = page(world.users["province"]), page(world.users["enterprise"])
    for html in (province, enterprise):
        assert 'id="nav-registry"' in html and 'id="nav-monitoring"' in html
        assert 'id="nav-enforcement"' in html
    # the law-enforcement pages are the government's; the enterprise keeps its risks
    assert "/enforcement/plans/" in province and "/enforcement/plans/" not in enterprise
    assert 'id="nav-response"' in province and 'id="nav-response"' not in enterprise
    assert 'id="nav-mine"' not in province
    assert enterprise.index('id="nav-mine"') < enterprise.index('id="nav-registry"')
    agency_page = page(agency)  # its own organisation's rows: no enterprise registry to list
    assert 'id="nav-registry"' not in agency_page and 'id="nav-monitoring"' not in agency_page
    assert 'id="nav-enforcement"' not in agency_page
    assert 'id="nav-agencies"' in agency_page
    auditor = page(User.objects.create_user("auditor", password="pw", role=Role.AUDITOR))
    for menu in ("nav-registry", "nav-monitoring", "nav-agencies", "nav-mine", "nav-enforcement"):
        assert f'id="{menu}"' not in auditor
    assert 'id="nav-notices"' in auditor and 'id="nav-data"' in auditor
