"""The grading page /monitoring/grading/ for province, county, park and enterprise users,
its level switch, drill-down, sorting and export through the one exporter, with the
hand-built alarms of test_metrics. The page asks for the day 2026-12-01 in UTC: a1, a2,
a3, a5 of E1 and b1 of E11, all past their deadlines whatever today is, so the page's
own clock cannot change a figure. E1: alarms 4, sensor alarms 3, sensors 2, due 4, on time
2 (a1, a5), repeated 3 (a1, a2, a3), released 2 (85 min), handled 3, false 1."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from geo.models import Division, Role, SecurityEvent, SecurityEventKind, User
from monitoring.alarms import grading_views
from monitoring.alarms.models import AlarmStatus
from tests.conftest import box
from tests.monitoring.alarms.grading_data import alarm, at, sensors_of

URL = "/monitoring/grading/"
DATES = {"start": "2026-12-01", "end": "2026-12-01"}


@pytest.fixture(autouse=True)
def _utc(settings):
    settings.TIME_ZONE = "UTC"  # the days of the hand-built alarms


@pytest.fixture
def park_user(world):
    park = Division.objects.create(code="320101001000", name="甲园区", level="town",
                                   parent=world.county_a, geom=box(118.0, 32.0, 118.5, 32.5))
    return User.objects.create_user("park", password="pw-park", role=Role.PARK, division=park)


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {**DATES, **params})
    assert response.status_code == 200
    return response


def keys(response) -> list[str]:
    return [r["row"].key for r in response.context["rows"]]


def levels(response) -> list[tuple[str, bool]]:
    return [(key, active) for key, _label, _url, active in response.context["levels"]]


def test_url_name():
    assert reverse("alarms:grading") == URL


def test_province_user_levels_and_drill_down(client, graded):
    response = page(client, graded.users["province"])
    # a province user starts one level below their own: the cities
    assert levels(response) == [("province", False), ("city", True), ("county", False),
                                ("enterprise", False)]
    assert keys(response) == ["3201"]
    html = response.content.decode()
    assert "测试市" in html and "消警处置及时率" in html
    (city,) = response.context["rows"]
    assert city["drill"] and "within=3201" in city["link"] and "level=county" in city["link"]
    counties = client.get(URL + city["link"])
    assert keys(counties) == ["320101", "320102"]
    enterprises = client.get(URL + counties.context["rows"][0]["link"])
    e1, e2 = graded.enterprises_a[:2]
    assert keys(enterprises) == [str(e1.pk), str(e2.pk)]
    assert enterprises.context["rows"][0]["link"] == reverse("enterprise_detail", args=[e1.pk])
    assert [name for _p, name, _u in enterprises.context["crumbs"]] == ["测试省", "测试市", "甲县"]


def test_county_user_sees_only_its_county(client, graded):
    response = page(client, graded.users["county_b"])
    assert levels(response) == [("county", False), ("enterprise", True)]
    assert keys(response) == [str(graded.enterprises_b[0].pk)]
    # a province level or another county's prefix asked by hand changes nothing
    assert keys(page(client, graded.users["county_b"], level="province",
                     within="320101")) == [str(graded.enterprises_b[0].pk)]
    assert [(s.name, rate) for s, rate in response.context["sensors"]] == [("液位S5", "100.0%")]
    assert graded.enterprises_a[0].name not in response.content.decode()


def test_park_user_grades_its_enterprises(client, graded, park_user):
    response = page(client, park_user)
    assert levels(response) == [("enterprise", True)]
    e1, e2 = graded.enterprises_a[:2]
    assert keys(response) == [str(e1.pk), str(e2.pk)]


def test_enterprise_user_sees_its_own(client, graded):
    response = page(client, graded.users["enterprise"])
    assert levels(response) == [("enterprise", True)]
    assert keys(response) == [str(graded.enterprises_a[0].pk)]
    cells = response.context["rows"][0]["cells"]
    assert [value for value, _sub, _title in cells] == \
        [4, 2, "1.50", "50.0%", "100.0%", "85.0", "33.3%"]
    # the deadline of each level: a1 on time (level 1), a2 and a3 not (2), a5 on time (4)
    assert cells[3][1:] == ("2 / 4", "1级 1/1 · 2级 0/2 · 3级 0/0 · 4级 1/1")


def test_sorting_none_last_both_ways(client, graded):
    user = graded.users["admin"]
    e1, e2, e11 = graded.enterprises_a[0], graded.enterprises_a[1], graded.enterprises_b[0]
    up = page(client, user, level="enterprise", sort="timely_rate", dir="asc")
    assert keys(up) == [str(e11.pk), str(e1.pk), str(e2.pk)]  # 0 %, 50 %, none
    down = page(client, user, level="enterprise", sort="timely_rate", dir="desc")
    assert keys(down) == [str(e1.pk), str(e11.pk), str(e2.pk)]
    heading = next(h for h in down.context["headers"] if h["key"] == "timely_rate")
    assert heading["active"] and "dir=asc" in heading["url"]


def test_export_csv_through_the_exporter(client, graded):
    response = page(client, graded.users["county_a"], level="county", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["代码"], r["名称"], r["报警次数"], r["及时处置数"], r["应处置报警数"])
            for r in rows] == [("320101", "甲县", "4", "2", "4")]
    assert rows[0]["消警处置及时率"] == "0.5"
    assert [rows[0][f"{n}级报警及时/应处置"] for n in (1, 2, 3, 4)] == ["1/1", "0/2", "0/0", "1/1"]
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT).get()
    assert (event.detail["table"], event.detail["rows"], event.detail["scope"]) == \
        ("alarm_grading", 1, "p320101")


def test_bad_dates_fall_back_and_say_so(client, graded):
    response = page(client, graded.users["province"], start="2026-12-05", end="2026-12-01")
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_page_queries_do_not_grow_with_enterprises(client, graded):
    user = graded.users["province"]
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {**DATES, "level": "enterprise"}).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first request also reads the caller's scope (then cached for 30 s)
    before = queries()
    for i, ent in enumerate(graded.enterprises_a[2:] + graded.enterprises_b[1:]):
        (sensor,) = sensors_of(ent, f"gw-y{i}", f"Y{i}")
        alarm(ent, sensor, 2, at(1, 14), handled=5, status=AlarmStatus.HANDLED)
    # the user, rule set terms, the grading, division names, false-alarm sensors, inbox count
    assert queries() == before == 6
    assert len(client.get(URL, {**DATES, "level": "enterprise"}).context["rows"]) == 8


def test_rows_come_in_pages(client, graded, monkeypatch):
    monkeypatch.setattr(grading_views, "PAGE_SIZE", 2)
    e1, e2, e11 = graded.enterprises_a[0], graded.enterprises_a[1], graded.enterprises_b[0]
    first = page(client, graded.users["admin"], level="enterprise")
    assert (keys(first), first.context["total"]) == ([str(e1.pk), str(e2.pk)], 3)
    assert "共 3 个统计对象" in first.content.decode()
    second = page(client, graded.users["admin"], level="enterprise", page=2)
    assert keys(second) == [str(e11.pk)]
    # sorting or switching level starts again at page one
    assert "page=" not in second.context["headers"][1]["url"]
