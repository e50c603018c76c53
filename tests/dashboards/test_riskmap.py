"""The risk four-colour map and the risk cloud map's page (/dash/riskmap/): its callbacks
through Django's URL and middleware, each in the caller's scope."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from geo.models import Division
from monitoring.risk.services import risk_compute
from tests.conftest import box
from tests.dashboards.conftest import logged_in

DAYS = [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
RED, ORANGE, YELLOW, BLUE = "#FF0000", "#FF8C00", "#FFD700", "#1E90FF"


@pytest.fixture
def towns(world):
    """One town in each county, holding that county's enterprises (their codes' town part)."""
    for county, name in ((world.county_a, "甲县一镇"), (world.county_b, "乙县一镇")):
        x0, y0, x1, y1 = county.geom.extent
        Division.objects.create(code=county.code[:6] + "001000", name=name, level="town",
                                parent=county, geom=box(x0, y0, x1, y1))
    return world


@pytest.fixture
def scored(towns):
    """Three days of dynamic risk (the real run: no alarms, so every score is the
    enterprise's own grade's points: 红 40 and 橙 30 黄, 黄 20 and 蓝 10 蓝)."""
    for day in DAYS:
        risk_compute(now=datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
    return towns


def callback(client: Client, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]]):
    """POST one Dash callback as dash-renderer does; the response's outputs by id."""
    names = [f"{i}.{p}" for i, p in outputs]
    many = len(outputs) > 1
    body = {
        "output": f"..{'...'.join(names)}.." if many else names[0],
        "outputs": [{"id": i, "property": p} for i, p in outputs] if many
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [],
    }
    return client.post("/dash/riskmap/_dash-update-component", json.dumps(body),
                       content_type="application/json")


MODE_OUT = [("riskmap-divisions", "data"), ("riskmap-table", "children"),
            ("riskmap-wanted", "data")]
CLOUD_OUT = [("riskmap-cloud", "data"), ("riskmap-day-label", "children")]


def mode(client, value: str) -> dict:
    response = callback(client, MODE_OUT, [("riskmap-mode", "value", value)])
    assert response.status_code == 200, response.content
    return response.json()["response"]


def table_rows(table) -> list[list]:
    """The counts table's body rows as lists of cell texts."""
    body = table["props"]["children"][1]["props"]["children"][1]  # Div > Table > Tbody
    return [[cell["props"]["children"] for cell in row["props"]["children"]]
            for row in body["props"]["children"]]


def choropleth(spec: dict) -> dict:
    fill = spec["layers"][0]["paint"]["fill-color"]
    return dict(zip(fill[2:-1:2], fill[3:-1:2], strict=True))


def test_the_page_renders_for_a_signed_in_user_only(towns):
    assert Client().get("/dash/riskmap/").status_code == 302
    page = logged_in(towns.users["province"]).get("/dash/riskmap/")
    assert page.status_code == 200
    assert "<title>风险四色图</title>" in page.content.decode()


def test_static_map_colours_counties_by_their_enterprises_grades(towns):
    out = mode(logged_in(towns.users["province"]), "static")
    # 甲县: grades 2 3 4 1 2 (mean 2.4 → orange); 乙县: 4 1 2 (mean 2.3 → orange)
    assert table_rows(out["riskmap-table"]["children"]) == [
        ["甲县", 1, 2, 1, 1, 5], ["乙县", 1, 1, 0, 1, 3], ["合计", 2, 3, 1, 2, 8]]
    spec = out["riskmap-divisions"]["data"]
    assert choropleth(spec) == {"320101000000": ORANGE, "320102000000": ORANGE}
    assert spec["layers"][0]["filter"] == ["==", ["get", "level"], "county"]
    assert "甲县\n红1 橙2 黄1 蓝1" in json.dumps(spec["layers"][1]["layout"]["text-field"],
                                            ensure_ascii=False).replace("\\n", "\n")
    assert "enterprises" in out["riskmap-wanted"]["data"]
    assert "enterprise_risk" not in out["riskmap-wanted"]["data"]


def test_dynamic_map_reads_the_newest_days_region_risk(scored):
    out = mode(logged_in(scored.users["province"]), "dynamic")
    assert table_rows(out["riskmap-table"]["children"]) == [
        ["甲县", 0, 0, 3, 2, 5], ["乙县", 0, 0, 2, 1, 3], ["合计", 0, 0, 5, 3, 8]]
    assert choropleth(out["riskmap-divisions"]["data"]) == {
        "320101000000": BLUE, "320102000000": BLUE}
    assert "2026-12-03" in json.dumps(out["riskmap-table"]["children"])
    assert "enterprise_risk" in out["riskmap-wanted"]["data"]


def test_a_county_user_sees_only_its_own_towns(scored):
    for user, mine, theirs in (("county_a", "甲县一镇", "乙县一镇"),
                               ("county_b", "乙县一镇", "甲县一镇")):
        client = logged_in(scored.users[user])
        for value in ("static", "dynamic"):
            out = mode(client, value)
            text = json.dumps(out, ensure_ascii=False)
            assert mine in text and theirs not in text
            assert out["riskmap-divisions"]["data"]["layers"][0]["filter"][2] == "town"
    rows = table_rows(mode(logged_in(scored.users["county_b"]), "static")["riskmap-table"]
                      ["children"])
    assert rows == [["乙县一镇", 1, 1, 0, 1, 3], ["合计", 1, 1, 0, 1, 3]]


def test_an_enterprise_user_counts_only_its_own_plant(scored):
    out = mode(logged_in(scored.users["enterprise"]), "static")
    assert table_rows(out["riskmap-table"]["children"]) == [["合计", 0, 1, 0, 0, 1]]
    assert choropleth_is_empty(out["riskmap-divisions"]["data"])


def choropleth_is_empty(spec: dict) -> bool:
    return spec["layers"][0]["paint"]["fill-color"] == "rgba(0,0,0,0)"


def test_the_slider_picks_the_days_cloud_tiles(scored):
    client = logged_in(scored.users["county_a"])
    response = callback(client, CLOUD_OUT, [("riskmap-day", "value", 1),
                                            ("riskmap-opacity", "value", 0.4)])
    assert response.status_code == 200, response.content
    out = response.json()["response"]
    spec = out["riskmap-cloud"]["data"]
    assert spec["sources"]["risk_cloud"]["tiles"] == [
        "http://testserver/tiles/risk_cloud/20261202/{z}/{x}/{y}.png"]
    assert spec["layers"][0]["paint"]["raster-opacity"] == 0.4
    assert out["riskmap-day-label"]["children"] == "2026-12-02"
    # a day outside the caller's days changes nothing
    for index in (3, -1, "20261202"):
        response = callback(client, CLOUD_OUT, [("riskmap-day", "value", index),
                                                ("riskmap-opacity", "value", 0.4)])
        assert response.status_code == 204


def test_a_user_without_scores_gets_no_cloud(towns):
    response = callback(logged_in(towns.users["county_a"]), CLOUD_OUT,
                        [("riskmap-day", "value", 0), ("riskmap-opacity", "value", 0.5)])
    assert response.status_code == 204


def test_the_record_callback_refuses_another_countys_enterprise(towns):
    a1 = towns.enterprises_a[0]
    selected = {"layer": "enterprises", "id": a1.pk}
    out = [("riskmap-record", "children")]
    mine = callback(logged_in(towns.users["county_a"]), out,
                    [("riskmap-selected", "data", selected)])
    assert a1.name in json.dumps(mine.json(), ensure_ascii=False)
    theirs = callback(logged_in(towns.users["county_b"]), out,
                      [("riskmap-selected", "data", selected)])
    text = json.dumps(theirs.json(), ensure_ascii=False)
    assert a1.name not in text and "无此企业或无权查看" in text
