"""The page /monitoring/operation/ per role, on conftest's timeline (asked for the day
2026-12-01 in UTC, so gw-a's outage 00:00–03:00 is in it whatever today is)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from geo.models import Role, User
from monitoring.devices.services import gateway_create
from monitoring.ingest.services import batch_store
from monitoring.operation.services import outages_open
from tests.monitoring.operation.conftest import T0, H
from tests.monitoring.operation.test_quality import MS, _batch, _reading

URL = "/monitoring/operation/"
DAY = {"start": "2026-12-01", "end": "2026-12-01"}


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {**DAY, **params})
    assert response.status_code == 200
    return response


def keys(response, table="rows"):
    return [r["row"].key for r in response.context[table]]


def outages(response):
    return [o.gateway_id for o, _hours in response.context["outages"]]


def test_url_name():
    assert reverse("operation:operation") == URL


def test_province_drills_down_to_enterprises(client, outage):
    users, (e1, e2) = outage.world.users, outage.world.enterprises_a[:2]
    response = page(client, users["province"])
    assert response.context["q"].level == "city"
    assert keys(response) == ["3201"]
    # gw-a 3 h down of 24 h; gw-b and gw-c have been silent since T0+1h, their outages
    # not opened yet (no job ran since): 1 - 10800 / (3 * 86400)
    assert response.context["rows"][0]["rate"] == "95.83%"
    response = page(client, users["province"], level="county", within="3201")
    assert keys(response) == ["320101", "320102"]
    response = page(client, users["province"], level="enterprise", within="320101")
    assert keys(response) == [str(e1.pk), str(e2.pk)]
    assert [r["rate"] for r in response.context["rows"]] == ["87.50%", "100.00%"]
    assert [name for _p, name, _u in response.context["crumbs"]] == ["测试省", "测试市", "甲县"]
    body = response.content.decode()
    assert "设备异常日志" in body and "3.00" in body
    assert outages(response) == ["gw-a"]


def test_county_b_sees_nothing_of_county_a(client, outage):
    response = page(client, outage.world.users["county_b"])
    assert response.context["q"].level == "enterprise"
    assert keys(response) == [str(outage.world.enterprises_b[0].pk)]
    assert outages(response) == []
    assert "gw-a" not in response.content.decode()
    # asking for county A's prefix falls back to the caller's own
    response = page(client, outage.world.users["county_b"], within="320101")
    assert keys(response) == [str(outage.world.enterprises_b[0].pk)]


def test_enterprise_sees_its_own(client, outage):
    response = page(client, outage.world.users["enterprise"])
    assert keys(response) == [str(outage.world.enterprises_a[0].pk)]
    assert outages(response) == ["gw-a"]
    assert response.context["totals"] == (1, 1)


def test_oversight_roles_see_no_data(client, outage):
    auditor = User.objects.create_user("aud", password="pw", role=Role.AUDITOR)
    response = page(client, auditor)
    assert keys(response) == [] and outages(response) == []


def test_filters(client, outage):
    admin = outage.world.users["admin"]
    assert outages(page(client, admin, cause="no_data")) == []
    assert outages(page(client, admin, open="1")) == []
    assert outages(page(client, admin, gateway="gw-a")) == ["gw-a"]
    response = page(client, admin, end="2026-11-01")
    assert "end" in response.context["form"].errors


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, DAY).status_code == 200
    return len(queries)


# user, the four figures' statements, the crumbs' divisions (none for an enterprise user),
# the log's count and page, the header's inbox count
@pytest.mark.parametrize(("role", "expected"), [("province", 9), ("county_a", 9),
                                                ("enterprise", 8)])
def test_query_count_is_pinned(client, outage, role, expected):
    client.force_login(outage.world.users[role])
    client.get(URL, DAY)  # the scope cached
    assert _count(client) == expected
    e1 = outage.world.enterprises_a[0]
    for i in range(6):  # more gateways and outages: the same number of queries
        gw = gateway_create(enterprise=e1, code=f"gw-x{i}", name=f"x{i}", geom=e1.geom)
        outages_open([gw.code], now=T0 + H)
    assert _count(client) == expected


def test_quality_reasons_read_in_chinese(client, outage):
    batch_store(_batch("gw-a", [_reading(1, "gw-a.level", 25.0),
                                _reading(2, "gw-a.level", 5.0, ts=MS + 1000,
                                         quality="bad")]), now=T0 + 4 * H)
    response = page(client, outage.world.users["enterprise"])
    assert [r["reasons"] for r in response.context["rows"]] == ["质量位无效 1、超量程 1"]
