"""Enterprise pages: the one-enterprise file (一企一档) detail page, the filtered list with
counts by division, the filtered export, fixed query counts and scope on every face."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from geo.audit import acting_as
from geo.credit_code import make_credit_code
from geo.models import Organisation
from registry.enterprises.file_models import (
    HazchemProfile,
    IndustryTradeProfile,
    SafetyInvestment,
    SafetyManager,
    TrainingRecord,
)
from registry.enterprises.models import Enterprise
from registry.floorplans.models import FloorPlan
from registry.hazards.models import HazardSource
from registry.hazards.services import hazard_source_create
from registry.licences.models import LicenceKind
from registry.licences.services import licence_create
from registry.resources.models import FireStation, RescueTeam
from tests.conftest import box
from tests.page_maps import features_of, page_map_config

LIST = "/enterprises/"


def _client(world, name: str | None) -> Client:
    client = Client()
    if name:
        client.force_login(world.users[name])
    return client


def _licence(ent: Enterprise, days_left: int, number: str):
    today = timezone.localdate()
    return licence_create(enterprise=ent, kind=LicenceKind.SAFETY_PRODUCTION, number=number,
                          issuer="测试省应急管理厅",
                          valid_from=today - datetime.timedelta(days=900),
                          valid_to=today + datetime.timedelta(days=days_left))


def _hazard(ent: Enterprise, name: str, dx: float):
    x, y = ent.geom.x + dx, ent.geom.y
    return hazard_source_create(enterprise=ent, name=name, kind="tank_farm",
                                geom=box(x, y, x + 0.001, y + 0.001))


def add_children(ent: Enterprise, n: int) -> None:
    """`n` rows of every kind an enterprise owns (for the fixed-query-count test)."""
    for i in range(n):
        SafetyManager.objects.create(enterprise=ent, name=f"管理员{i}", post="安全员",
                                     phone="025-1234567", certificate=f"C{i}")
        TrainingRecord.objects.create(enterprise=ent, kind="all_staff", topic=f"培训{i}",
                                      held_on=datetime.date(2025, 1, 1 + i), hours=Decimal("4"),
                                      participants=20)
        SafetyInvestment.objects.create(enterprise=ent, year=2015 + i, planned=Decimal("100"),
                                        actual=Decimal("80"))
        _licence(ent, 200 + i, f"LIC-{ent.pk}-{i}")
        _hazard(ent, f"罐区{i}", 0.002 * (i % 3))
        FloorPlan.objects.create(enterprise=ent, division_code=ent.division_code,
                                 organisation=ent.organisation, name=f"平面图{i}",
                                 original="x.png", media_type="image/png", width=10, height=10)


@pytest.fixture
def full_file(world):
    """Enterprise 1 of county A (the enterprise user's own) with every section filled."""
    ent = world.enterprises_a[0]
    dept = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                       division=world.county_a)
    Enterprise.objects.filter(pk=ent.pk).update(
        supervising_department=dept, legal_representative="张三",
        legal_representative_phone="13800000001", safety_officer="李四",
        safety_officer_phone="13800000002", employees=321, standardisation_grade="2",
        standardisation_valid_to=datetime.date(2027, 6, 30), scale="medium",
        categories=["hazardous_chemicals", "industry_trade"])
    ent.refresh_from_db()
    HazchemProfile.objects.create(enterprise=ent, licence_types=["production", "storage"],
                                  key_processes=["chlorination"], in_chemical_park=True)
    IndustryTradeProfile.objects.create(enterprise=ent, sector="metallurgy",
                                        confined_space=True)
    SafetyManager.objects.create(enterprise=ent, name="王五", post="安全科长",
                                 phone="13800000003", certificate="AQ-001", full_time=False)
    TrainingRecord.objects.create(enterprise=ent, kind="manager", topic="危化品安全管理",
                                  held_on=datetime.date(2025, 3, 1), hours=Decimal("16"),
                                  participants=12)
    SafetyInvestment.objects.create(enterprise=ent, year=2024, planned=Decimal("200.00"),
                                    actual=Decimal("150.00"))
    SafetyInvestment.objects.create(enterprise=ent, year=2025, planned=Decimal("250.00"))
    for days, number in [(-3, "L-EXPIRED"), (5, "L-7"), (20, "L-30"), (60, "L-90"),
                         (400, "L-OK")]:
        _licence(ent, days, number)
    source = _hazard(ent, "一号罐区", 0.002)
    # As if evaluated (GB 18218) to level one; the evaluation itself is tested elsewhere.
    HazardSource.objects.filter(pk=source.pk).update(level=1, is_major=True,
                                                     s_value=Decimal("12.5"),
                                                     r_value=Decimal("25.0"))
    RescueTeam.objects.create(name="甲县危化救援队", division_code="320101001001",
                              geom=Point(ent.geom.x + 0.01, ent.geom.y, srid=4326))
    FireStation.objects.create(name="甲县消防站", division_code="320101001001",
                               geom=Point(ent.geom.x, ent.geom.y + 0.02, srid=4326))
    RescueTeam.objects.create(name="乙县救援队", division_code="320102001001",
                              geom=Point(ent.geom.x + 0.005, ent.geom.y, srid=4326))
    FloorPlan.objects.create(enterprise=ent, division_code=ent.division_code,
                             organisation=ent.organisation, name="一号厂区平面图",
                             original="p.png", media_type="image/png", width=600, height=400,
                             cog="floorplans/p.tif", extent=[0, 0, 1, 1])
    with acting_as(world.users["county_a"].pk):
        ent.employees = 330
        ent.save()
    return ent


# ---- detail ------------------------------------------------------------------------------
def test_detail_shows_every_section(world, full_file):
    r = _client(world, "county_a").get(f"/enterprises/{full_file.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    for text in ["测试化工1号有限公司", full_file.credit_code, "张三", "13800000001", "李四",
                 "13800000002", "甲县应急管理局", "二级", "2027-06-30", "330", "中型",
                 # profiles with choice labels
                 "危险化学品企业信息", "生产、储存", "氯化工艺", "工贸企业信息", "冶金",
                 "王五", "安全科长", "AQ-001", "兼职", "危化品安全管理", "安全管理人员培训",
                 # investments: planned vs actual, 75 %
                 "200.00", "150.00", "75%", "250.00",
                 "一号罐区", "一级", "12.500", "25.00", "甲县危化救援队", "甲县消防站",
                 "一号厂区平面图", "已配准"]:
        assert text in html, text
    assert "乙县救援队" not in html  # county B's resource is outside county A's scope
    # one badge per stage, each on its own licence
    for number, badge in [("L-EXPIRED", "已过期"), ("L-7", "7天内到期"), ("L-30", "30天内到期"),
                          ("L-90", "90天内到期"), ("L-OK", "有效")]:
        assert re.search(rf"{number}</td>.*?<span class=\"badge [^\"]+\">{badge}</span>", html,
                         re.S), number
    assert "registered" in html and "cancelled-banner" not in html
    assert "edit-link" in html  # county A supervises it
    analyst = _client(world, "analyst").get(f"/enterprises/{full_file.pk}/").content.decode()
    assert "edit-link" not in analyst  # reads only


def test_detail_history_newest_first_with_user_and_fields(world, full_file):
    r = _client(world, "county_a").get(f"/enterprises/{full_file.pk}/")
    rows = r.context["history"]
    assert rows[0].user == "county_a"
    assert rows[0].action == "修改" and rows[0].what == "企业"
    assert rows[0].fields == ["从业人员数"]
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    # the hazard source's creation (an owned row) is in the history too
    assert any(row.what == "重大危险源" and row.action == "新增" for row in rows)


def test_detail_map_uses_only_vendored_maplibre(world, full_file):
    r = _client(world, "county_a").get(f"/enterprises/{full_file.pk}/")
    html = r.content.decode()
    assert '<script src="/static/vendor/maplibre-gl/maplibre-gl.js"></script>' in html
    assert 'href="/static/vendor/maplibre-gl/maplibre-gl.css"' in html
    assert '<script src="/static/layers/page_map.js"></script>' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for cdn in ("jquery", "bootstrap", "leaflet", "cdn.jsdelivr", "openstreetmap", "unpkg"):
        assert cdn not in html.lower(), cdn
    config = page_map_config(html, "site-map")
    # the base: the caller's style of the base map's layers and the divisions' names
    assert config["style"] == "/tiles/style.json?layers=built_up%2Cwater%2Croads%2Cdivisions"
    assert config["marker"] == {"lon": full_file.geom.x, "lat": full_file.geom.y,
                                "title": full_file.name, "picker": None}
    plan = FloorPlan.objects.get(name="一号厂区平面图")
    assert config["overlays"] == [{"name": plan.name,
                                   "tiles": f"/tiles/floorplans/{plan.pk}/{{z}}/{{x}}/{{y}}.png"}]
    # the level-one hazard source is drawn red (four colours), the rescue team orange
    source = HazardSource.objects.get(enterprise=full_file)
    assert [(name.split(" · ")[0], colour) for name, colour, _g in
            features_of(config, "shape")] == [(source.name, "#FF0000")]
    assert "#F57C00" in [colour for _n, colour, _g in features_of(config, "dot")]


def test_names_stay_data_in_the_map_attribute(world):
    ent = world.enterprises_a[1]
    name = '坏"`${alert(1)}`</script><b>x</b>'
    Enterprise.objects.filter(pk=ent.pk).update(name=name)
    html = _client(world, "province").get(f"/enterprises/{ent.pk}/").content.decode()
    assert "</script><b>" not in html and "<b>x</b>" not in html
    assert page_map_config(html, "site-map")["marker"]["title"] == name


def test_cancelled_is_prominent(world):
    ent = world.enterprises_a[1]
    Enterprise.objects.filter(pk=ent.pk).update(status="cancelled", cancel_reason="企业注销",
                                                cancelled_on=datetime.date(2026, 1, 2))
    html = _client(world, "province").get(f"/enterprises/{ent.pk}/").content.decode()
    assert 'id="cancelled-banner"' in html
    assert "该企业已核销" in html and "2026-01-02" in html and "企业注销" in html


def test_edit_and_hazard_links(world, full_file):
    html = _client(world, "county_a").get(f"/enterprises/{full_file.pk}/").content.decode()
    source = HazardSource.objects.get(enterprise=full_file)
    assert f'href="/enterprises/{full_file.pk}/edit"' in html
    assert f'<a href="/hazards/{source.pk}/">一号罐区</a>' in html


def test_detail_query_count_does_not_grow(world, django_assert_max_num_queries):
    few, many = world.enterprises_a[1], world.enterprises_a[2]
    add_children(few, 1)
    add_children(many, 6)
    client = _client(world, "province")
    client.get(f"/enterprises/{few.pk}/")  # warm caches of the session and scope
    for ent in (few, many):
        # one query per enforcement section: risk points, hidden dangers, inspections, cases
        with django_assert_max_num_queries(15):
            r = client.get(f"/enterprises/{ent.pk}/")
        assert r.status_code == 200
    assert len(r.context["hazards"]) == 6 and len(r.context["licences"]) == 6


@pytest.mark.parametrize(("user", "own", "other_a", "in_b"), [
    ("county_a", 200, 200, 404), ("county_b", 404, 404, 200), ("enterprise", 200, 404, 404),
    ("province", 200, 200, 200), ("admin", 200, 200, 200),
])
def test_detail_scope(world, user, own, other_a, in_b):
    client = _client(world, user)
    for ent, status in [(world.enterprises_a[0], own), (world.enterprises_a[1], other_a),
                        (world.enterprises_b[0], in_b)]:
        assert client.get(f"/enterprises/{ent.pk}/").status_code == status, ent.name


def test_anonymous_goes_to_login(world):
    client = Client()
    for url in [LIST, f"/enterprises/{world.enterprises_a[0].pk}/", "/enterprises/export.csv"]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url


# ---- list --------------------------------------------------------------------------------
def _names(r) -> list[str]:
    return [e.name for e in r.context["page"].object_list]


def test_list_scope(world):
    a = sorted(e.name for e in world.enterprises_a)
    b = sorted(e.name for e in world.enterprises_b)
    assert sorted(_names(_client(world, "county_a").get(LIST))) == a
    assert sorted(_names(_client(world, "county_b").get(LIST))) == b
    assert _names(_client(world, "enterprise").get(LIST)) == ["测试化工1号有限公司"]
    assert sorted(_names(_client(world, "province").get(LIST))) == sorted(a + b)


def test_list_filters(world):
    ents = world.enterprises_a
    Enterprise.objects.filter(pk=ents[0].pk).update(industry="B0911",
                                                    categories=["non_coal_mine"])
    Enterprise.objects.filter(pk=ents[1].pk).update(status="cancelled")
    _licence(ents[2], -1, "X1")
    _licence(ents[3], 30, "X2")
    _licence(ents[4], 300, "X3")
    c = _client(world, "province")

    def names(**params) -> list[str]:
        return sorted(int(n.removeprefix("测试化工").removesuffix("号有限公司"))
                      for n in _names(c.get(LIST, params)))

    assert names(division="320102") == [11, 12, 13]
    assert names(division="320101") == [1, 2, 3, 4, 5]
    assert names(industry="b09") == [1]
    assert names(industry="C26") == [2, 3, 4, 5, 11, 12, 13]
    assert names(category="non_coal_mine") == [1]
    assert names(risk_level="1") == [4, 12]       # risk = 1 + i % 4
    assert names(licence="expired") == [3]
    assert names(licence="expiring") == [4]
    assert names(licence="valid") == [5]
    assert names(licence="none") == [1, 2, 11, 12, 13]
    assert names(status="cancelled") == [2]
    assert names(status="registered", division="320101") == [1, 3, 4, 5]
    assert names(q="化工12") == [12]
    assert names(q=world.enterprises_b[0].credit_code[-6:]) == [11]
    # bad input: the field is named and the filter ignored
    r = c.get(LIST, {"division": "32x", "industry": "C26"})
    assert "区划代码前缀应为2、4、6、9或12位数字" in r.content.decode()
    assert len(_names(r)) == 7


def test_drill_through_counts(world):
    c = _client(world, "province")
    r = c.get(LIST)
    assert [(row["prefix"], row["name"], row["n"]) for row in r.context["counts"]] == [
        ("3201", "测试市", 8)]
    r = c.get(LIST, {"division": "3201"})
    rows = r.context["counts"]
    assert [(row["prefix"], row["name"], row["n"]) for row in rows] == [
        ("320101", "甲县", 5), ("320102", "乙县", 3)]
    assert rows[0]["query"] == "division=320101"
    # counts follow the other filters; a drilled county lists its towns
    r = c.get(LIST, {"division": "320101", "risk_level": "1"})
    assert [(row["prefix"], row["n"]) for row in r.context["counts"]] == [("320101001", 1)]
    assert [p for p, _n in r.context["trail"]] == ["32", "3201", "320101"]
    # county B's supervisor never sees A in the counts, even asking for the city
    r = _client(world, "county_b").get(LIST, {"division": "3201"})
    assert [(row["prefix"], row["n"]) for row in r.context["counts"]] == [("320102", 3)]


def test_list_query_count_is_fixed(world, django_assert_max_num_queries):
    for ent in world.enterprises_a:
        add_children(ent, 2)
    c = _client(world, "province")
    c.get(LIST)
    with django_assert_max_num_queries(6):  # incl. the header's unread count
        r = c.get(LIST, {"division": "3201", "licence": "valid"})
    assert len(r.context["page"].object_list) == 5


def test_list_pagination_keeps_filters(world):
    for i in range(55):
        Enterprise.objects.create(name=f"分页企业{i:02d}",
                                  credit_code=make_credit_code(f"9132099{i:010d}"),
                                  industry="C2614", division_code="320101001001",
                                  geom=Point(118.2, 32.2, srid=4326))
    r = _client(world, "province").get(LIST, {"division": "320101", "page": "2"})
    assert r.context["page"].number == 2 and len(r.context["page"].object_list) == 10
    assert r.context["page_query"] == "division=320101"


# ---- export ------------------------------------------------------------------------------
def test_export_csv_uses_filters_and_scope(world):
    _licence(world.enterprises_a[2], -1, "X1")
    r = _client(world, "province").get("/enterprises/export.csv", {"licence": "expired"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["测试化工3号有限公司"]
    def exported(user: str, **params) -> list[str]:
        r = _client(world, user).get("/enterprises/export.csv", params)
        text = b"".join(r.streaming_content).decode("utf-8-sig")
        return sorted(row["name"] for row in csv.DictReader(io.StringIO(text)))

    assert exported("county_b", division="320101") == []
    assert exported("county_b") == sorted(e.name for e in world.enterprises_b)
    assert exported("enterprise") == ["测试化工1号有限公司"]


def test_export_xlsx(world):
    r = _client(world, "county_a").get("/enterprises/export.xlsx", {"risk_level": "1"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = list(book.active.values)
    assert values[0][:3] == ("id", "name", "credit_code")
    assert [row[1] for row in values[1:]] == ["测试化工4号有限公司"]


def test_export_unknown_format(world):
    assert _client(world, "province").get("/enterprises/export.doc").status_code == 404


def test_list_page_links_exports_with_filters(world):
    html = _client(world, "province").get(LIST, {"risk_level": "2"}).content.decode()
    assert 'href="/enterprises/export.csv?risk_level=2"' in html
    assert 'href="/enterprises/export.xlsx?risk_level=2"' in html
