"""The one map's drill-down and search: the selectors the callbacks use, and the callbacks
through Django -> Dash, each applying the caller's scope."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.drill import division_at, drill, home_drill
from dashboards.onemap import DRILL, HITS, PLACE, SEARCH, SELECTED, TRAIL, VIEW
from dashboards.onemap_panels import GO, go
from dashboards.search import features_search
from dashboards.selectors import layers_visible
from geo.scope import scope_for_user
from layers.selectors import layers_empty
from registry.hazards.models import HazardSource
from tests.dashboards.conftest import dash_callback, dash_place, logged_in
from tests.dashboards.test_onemap import texts

IN_B = (118.75, 32.25)  # a point inside county B


def _scope(world, user: str):
    return scope_for_user(world.users[user])


@pytest.fixture
def source_a1(world) -> HazardSource:
    a1 = world.enterprises_a[0]
    return HazardSource.objects.create(
        name="一号罐区", enterprise=a1, organisation=a1.organisation, kind="tank_farm",
        division_code=a1.division_code,
        geom=MultiPolygon(Polygon.from_bbox((a1.geom.x - 0.001, a1.geom.y - 0.001,
                                             a1.geom.x + 0.001, a1.geom.y + 0.001))))


# ---- divisions ------------------------------------------------------------------------------

def test_a_province_user_starts_at_the_province_with_its_cities_counted(world):
    at = home_drill(_scope(world, "province"))
    assert at.place == {"division": world.province.code}
    assert [c.label for c in at.trail] == ["测试省"]
    assert [(d.name, d.total) for d in at.divisions] == [("测试市", 8)]


def test_drilling_into_the_city_counts_each_county_by_risk_colour(world):
    """County A holds levels 2, 3, 4, 1, 2; county B 4, 1, 2 (tests/conftest.py)."""
    with CaptureQueriesContext(connection) as queries:
        at = drill(scope=_scope(world, "province"), place={"division": world.city.code})
    assert [c.label for c in at.trail] == ["测试省", "测试市"]
    assert [(d.code, d.name, d.levels) for d in at.divisions] == [
        (world.county_a.code, "甲县", {1: 1, 2: 2, 3: 1, 4: 1}),
        (world.county_b.code, "乙县", {1: 1, 2: 1, 4: 1})]
    assert [d.top_level for d in at.divisions] == [1, 1]
    assert (at.bounds.west, at.bounds.east) == (118.0, 119.0)
    assert len(queries) <= 8  # a fixed handful, not one per child division


def test_a_county_user_cannot_stand_in_another_county(world):
    county_a = _scope(world, "county_a")
    for place in ({"division": world.county_b.code}, {"division": world.city.code},
                  {"division": "32"}, {"division": ["320102000000"]}, "junk", None):
        at = drill(scope=county_a, place=place)
        assert at.place == {"division": world.county_a.code}
        assert [c.label for c in at.trail] == ["甲县"]
        # the test world has no towns: the county lists its own enterprises instead
        assert [d.code for d in at.divisions] == []
        assert [(c.layer_id, c.count) for c in at.children] == [("enterprises", 5)]


def test_a_click_on_the_divisions_goes_one_level_down_under_the_point(world):
    province = _scope(world, "province")
    assert division_at(scope=province, within=world.city.code, lon=IN_B[0],
                       lat=IN_B[1]) == world.county_b.code
    assert division_at(scope=province, within=None, lon=IN_B[0],
                       lat=IN_B[1]) == world.city.code  # from the top: the city first
    assert division_at(scope=_scope(world, "county_a"), within=world.city.code,
                       lon=IN_B[0], lat=IN_B[1]) is None


# ---- features -------------------------------------------------------------------------------

def test_an_enterprise_shows_its_hazard_sources_and_its_place(world, source_a1):
    a1 = world.enterprises_a[0]
    at = drill(scope=_scope(world, "county_a"), place={"layer": "enterprises", "id": a1.pk})
    assert at.place == {"layer": "enterprises", "id": str(a1.pk)}
    assert [c.label for c in at.trail] == ["甲县", a1.name]
    assert [(c.layer_id, c.count, c.rows) for c in at.children] == [
        ("hazard_sources", 1, [(str(source_a1.pk), "一号罐区")])]

    below = drill(scope=_scope(world, "county_a"),
                  place={"layer": "hazard_sources", "id": source_a1.pk})
    assert [c.label for c in below.trail] == ["甲县", a1.name, "一号罐区"]
    assert below.trail[1].place == {"layer": "enterprises", "id": str(a1.pk)}


def test_another_countys_enterprise_is_refused(world, source_a1):
    a1 = world.enterprises_a[0]
    county_b = _scope(world, "county_b")
    for place in ({"layer": "enterprises", "id": a1.pk},
                  {"layer": "hazard_sources", "id": source_a1.pk},
                  {"layer": "enterprises", "id": "x"}, {"layer": "nope", "id": 1}):
        assert drill(scope=county_b, place=place).place == {"division": world.county_b.code}


def test_an_enterprise_user_starts_at_its_own_plants(world):
    at = home_drill(_scope(world, "enterprise"))
    assert at.place == {} and at.trail == []
    assert [(c.layer_id, c.rows) for c in at.children] == [
        ("enterprises", [(str(world.enterprises_a[0].pk), world.enterprises_a[0].name)])]


# ---- search and empty layers ----------------------------------------------------------------

def test_search_finds_by_name_and_credit_code_within_the_scope(world):
    county_a = _scope(world, "county_a")
    with CaptureQueriesContext(connection) as queries:
        hits = features_search(scope=county_a, text="测试化工")
    assert len(queries) == 1  # every layer's part in one UNION
    assert [h.label for h in hits if h.layer_id == "enterprises"] == [
        e.name for e in world.enterprises_a]
    b11 = world.enterprises_b[0]
    assert features_search(scope=county_a, text=b11.credit_code) == []
    found = features_search(scope=_scope(world, "county_b"), text=b11.credit_code)
    assert [(h.layer_id, h.pk, h.label) for h in found] == [
        ("enterprises", str(b11.pk), b11.name)]
    for text in ("", " ", "测", "\x00\x00", "%", "_" * 200):
        assert features_search(scope=county_a, text=text) == []


def test_empty_layers_are_found_in_one_query(world, grid_cell):
    county_a = _scope(world, "county_a")
    layers = layers_visible(scope=county_a)
    with CaptureQueriesContext(connection) as queries:
        empty = layers_empty(layers, county_a)
    assert len(queries) == 1
    assert {"divisions", "enterprises", "grid_cells"}.isdisjoint(empty)
    assert {"hazard_sources", "water", "roads", "sensors"} <= empty
    assert "grid_cells" in layers_empty(layers, _scope(world, "county_b"))


# ---- the callbacks through Django -> Dash ---------------------------------------------------

def test_the_place_callback_answers_the_drill_in_the_callers_scope(world):
    client = logged_in(world.users["province"])
    response = dash_place(client, {"division": world.city.code})
    assert response.status_code == 200
    answer = response.json()["response"]
    assert texts(answer[TRAIL]["children"]) == ["本辖区", "›", "测试省", "›", "测试市"]
    assert "甲县" in texts(answer[DRILL]["children"])
    view = answer[VIEW]["data"]
    assert view["bounds"] == [118.0, 32.0, 119.0, 32.5]
    assert sorted(f["properties"]["name"] for f in view["bubbles"]["features"]) == [
        "乙县", "甲县"]

    refused = dash_place(logged_in(world.users["county_b"]),
                         {"layer": "enterprises", "id": world.enterprises_a[0].pk})
    body = refused.content.decode()
    assert world.enterprises_a[0].name not in body and "乙县" in body


def _move(client, *, selected=None, clicked=None, place=None):
    buttons = [go({}), go({"division": "320102000000"})]
    body = {
        "output": f"{PLACE}.data", "outputs": {"id": PLACE, "property": "data"},
        "inputs": [{"id": SELECTED, "property": "data", "value": selected},
                   [{"id": b, "property": "n_clicks", "value": 1 if b == clicked else 0}
                    for b in buttons]],
        "changedPropIds": [json.dumps(clicked, separators=(",", ":"), sort_keys=True) + ".n_clicks"
                           if clicked else f"{SELECTED}.data"],
        "state": [{"id": PLACE, "property": "data", "value": place}],
    }
    return client.post("/dash/onemap/_dash-update-component", json.dumps(body),
                       content_type="application/json")


def test_a_map_click_and_a_panel_button_move_the_drill(world):
    province = logged_in(world.users["province"])
    click = {"layer": "divisions", "id": world.city.code, "lng": IN_B[0], "lat": IN_B[1]}
    moved = _move(province, selected=click, place={"division": world.city.code})
    assert moved.json()["response"][PLACE]["data"] == {"division": world.county_b.code}

    a1 = world.enterprises_a[0]
    moved = _move(province, selected={"layer": "enterprises", "id": a1.pk, "lng": 118.15,
                                      "lat": 32.12})
    assert moved.json()["response"][PLACE]["data"] == {"layer": "enterprises",
                                                       "id": str(a1.pk), "via": "map"}

    button = go({"division": "320102000000"})
    moved = _move(province, clicked=button)
    assert moved.json()["response"][PLACE]["data"] == {"division": "320102000000"}
    assert button["type"] == GO
    # county A clicking into county B moves nothing (no update)
    refused = _move(logged_in(world.users["county_a"]), selected=click,
                    place={"division": world.city.code})
    assert refused.status_code == 200 and PLACE not in refused.json()["response"]


def test_the_search_callback_reads_the_callers_scope(world):
    b11 = world.enterprises_b[0]
    kwargs = {"output": HITS, "prop": "children", "input_id": SEARCH, "input_prop": "value",
              "value": b11.credit_code}
    found = dash_callback(logged_in(world.users["county_b"]), **kwargs)
    assert b11.name in texts(found.json()["response"][HITS]["children"])
    hidden = dash_callback(logged_in(world.users["county_a"]), **kwargs)
    assert texts(hidden.json()["response"][HITS]["children"]) == ["未找到匹配的要素"]
    assert b11.name not in hidden.content.decode()
