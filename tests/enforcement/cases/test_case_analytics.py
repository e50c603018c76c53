"""Enforcement figures: by month, region (drill-down), industry (GB/T 4754 prefixes) and
handler, exact, one statement per view, in the caller's scope; the page with its bars and
map."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.cases import services
from enforcement.cases.analytics import Filters, case_figures
from enforcement.cases.models import Case
from geo.scope import scope_for_user


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00"))


@pytest.fixture
def figures_world(world, offices, violation):
    """County A: three cases (two decided: 20 000 and 5 000 yuan, one cancelled after a
    decision date never set), one in a mine; county B: one decided case of 7 000 yuan."""
    a, b = offices["a"], offices["b"]

    def make(office, enterprise, opened, *, fine=None, state="investigating",
             members=None, industry=None):
        case = services.case_open(user=office.handler, agency=office.agency, cause="统计",
                                  members=members or [office.handler],
                                  enterprise=enterprise)
        Case.objects.filter(pk=case.pk).update(
            opened_at=_at(opened), state=state, fine=fine,
            violation=violation if fine else None, industry=industry or enterprise.industry,
            decided_at=_at(opened) if fine and state != "cancelled" else None)
        return case

    e = world.enterprises_a
    make(a, e[0], "2026-10-03", fine=Decimal(20000), state="closed",
         members=[a.handler, a.second])
    make(a, e[1], "2026-10-20", fine=Decimal(5000), state="decided")
    make(a, e[2], "2026-11-02", industry="B0610")
    make(a, e[3], "2026-11-05", state="cancelled")
    make(b, world.enterprises_b[0], "2026-11-09", fine=Decimal(7000), state="decided")
    return world


def _rows(scope, by, **where):
    return [(f.key, f.label, f.cases, f.violations, f.decided, f.amount)
            for f in case_figures(scope=scope, by=by, where=Filters(**where))]


def test_by_month_in_one_statement(figures_world, django_assert_num_queries):
    province = scope_for_user(figures_world.users["province"])
    with django_assert_num_queries(1):
        rows = _rows(province, "month")
    assert rows == [("2026-10", "2026-10", 2, 2, 2, Decimal(25000)),
                    ("2026-11", "2026-11", 3, 1, 1, Decimal(7000))]
    assert _rows(province, "month", since=datetime.date(2026, 10, 20),
                 until=datetime.date(2026, 11, 5)) == [
        ("2026-10", "2026-10", 1, 1, 1, Decimal(5000)),
        ("2026-11", "2026-11", 1, 0, 0, Decimal(0))]


def test_by_region_drills_down_and_keeps_to_the_scope(figures_world, offices):
    province = scope_for_user(figures_world.users["province"])
    assert _rows(province, "region") == [("32", "测试省", 5, 3, 3, Decimal(32000))]
    assert _rows(province, "region", prefix="3201") == [
        ("320101", "甲县", 4, 2, 2, Decimal(25000)),
        ("320102", "乙县", 1, 1, 1, Decimal(7000))]
    county_a = scope_for_user(offices["a"].head)
    assert _rows(county_a, "region", prefix="3201") == [
        ("320101", "甲县", 4, 2, 2, Decimal(25000))]
    regions = case_figures(scope=county_a, by="region", where=Filters(prefix="3201"))
    assert regions[0].geojson == ('{"type":"Polygon","coordinates":[[[118,32],[118,32.5],'
                                  '[118.5,32.5],[118.5,32],[118,32]]]}')  # simplified


def test_by_industry_from_sections_to_classes(figures_world):
    province = scope_for_user(figures_world.users["province"])
    assert _rows(province, "industry") == [("B", "采矿业", 1, 0, 0, Decimal(0)),
                                           ("C", "制造业", 4, 3, 3, Decimal(32000))]
    assert _rows(province, "industry", industry="C") == [
        ("C26", "C26", 4, 3, 3, Decimal(32000))]
    assert _rows(province, "industry", industry="C261") == [
        ("C2614", "C2614", 4, 3, 3, Decimal(32000))]


def test_by_handler_each_officer_counts_the_cases_they_handle(figures_world, offices):
    province = scope_for_user(figures_world.users["province"])
    a, b = offices["a"], offices["b"]
    assert _rows(province, "handler") == sorted([
        (str(a.handler.pk), "a_handler", 4, 2, 2, Decimal(25000)),
        (str(a.second.pk), "a_second", 1, 1, 1, Decimal(20000)),
        (str(b.handler.pk), "b_handler", 1, 1, 1, Decimal(7000))])


def test_the_page_shows_the_view_in_scope_with_bars_and_map(client, figures_world, offices):
    client.force_login(offices["b"].head)
    body = client.get(reverse("cases:analytics") + "?by=region&division=3201").content.decode()
    assert "乙县" in body and "甲县" not in body and "7,000" in body
    client.force_login(figures_world.users["province"])
    body = client.get(reverse("cases:analytics") + "?by=region&division=3201").content.decode()
    assert 'class="hbars"' in body and 'id="cases-map"' in body
    assert "?by=region&amp;division=320101" in body  # the drill-down to a county
    body = client.get(reverse("cases:analytics") + "?by=industry").content.decode()
    assert "采矿业" in body and "industry=C" in body
    assert client.get(reverse("cases:analytics") + "?by=nonsense").status_code == 200
