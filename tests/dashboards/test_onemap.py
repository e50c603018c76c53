"""The one map (一张图) through its public faces: the Django URL, Dash's layout and callback
endpoints, and the selectors its callbacks use."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from dashboards.bridge import serving
from dashboards.onemap import LAYERS, MAP, RECORD, SELECTED, show_place
from dashboards.selectors import RecordField, division_extent, feature_record
from geo.scope import scope_for_user
from layers.base import registry
from tests.dashboards.conftest import dash_place, logged_in

A1_FIELDS = [
    RecordField("企业名称", "测试化工1号有限公司"),
    RecordField("统一社会信用代码", "913201000000000018"),
    RecordField("行业代码", "C2614"),
    RecordField("风险等级", "较大风险（橙）", "#FF8C00"),
    RecordField("区划代码", "320101001001"),
    RecordField("地址", "测试路1号"),
    RecordField("构成重大危险源", "是"),
    RecordField("登记状态", "在册"),
]
def texts(component) -> list[str]:
    """The text leaves of a serialised Dash component tree, in document order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [t for child in component for t in texts(child)]
    if isinstance(component, dict):
        return texts(component.get("props", {}).get("children") or [])
    return []


def swatches(component) -> list[str]:
    """Background colours of the swatch spans in a serialised component tree."""
    if isinstance(component, list):
        return [c for child in component for c in swatches(child)]
    if not isinstance(component, dict):
        return []
    props = component.get("props", {})
    own = [props["style"]["background"]] if props.get("className") == "swatch" else []
    return own + swatches(props.get("children") or [])


def find(component, component_id: str):
    if isinstance(component, list):
        return next((hit for c in component if (hit := find(c, component_id))), None)
    if isinstance(component, dict):
        props = component.get("props", {})
        if props.get("id") == component_id:
            return component
        return find(props.get("children") or [], component_id)
    return None


# ---- selectors, as the callbacks call them -------------------------------------------------

def test_record_selector_applies_the_callers_scope(world):
    a1 = world.enterprises_a[0]
    county_b = scope_for_user(world.users["county_b"])
    assert feature_record(scope=county_b, layer_id="enterprises", pk=a1.pk) is None

    record = feature_record(scope=scope_for_user(world.users["county_a"]),
                            layer_id="enterprises", pk=a1.pk)
    assert (record.layer_id, record.layer_title, record.heading) == (
        "enterprises", "企业", "测试化工1号有限公司")
    assert record.fields == A1_FIELDS


def test_record_selector_enterprise_user_sees_only_its_own(world):
    own, other = world.enterprises_a[0], world.enterprises_a[1]
    scope = scope_for_user(world.users["enterprise"])
    assert feature_record(scope=scope, layer_id="enterprises", pk=own.pk).heading == own.name
    assert feature_record(scope=scope, layer_id="enterprises", pk=other.pk) is None


def test_record_selector_finds_nothing_for_bad_input(world):
    scope = scope_for_user(world.users["admin"])
    pk = world.enterprises_a[0].pk
    assert feature_record(scope=scope, layer_id="no_such_layer", pk=pk) is None
    assert feature_record(scope=scope, layer_id="enterprises", pk="1 OR 1=1") is None
    assert feature_record(scope=scope, layer_id="enterprises", pk=None) is None
    assert feature_record(scope=scope, layer_id="enterprises", pk=10**9) is None


def test_a_map_opens_on_an_enterprise_users_own_plants(world):
    from dashboards.selectors import HOME_MARGIN, home_extent

    user = world.users["enterprise"]
    own = [e for e in world.enterprises_a + world.enterprises_b
           if e.organisation_id == user.organisation_id]
    assert own  # the fixture's enterprise user owns a plant
    box = home_extent(scope=scope_for_user(user))
    xs, ys = [e.geom.x for e in own], [e.geom.y for e in own]
    assert (box.west, box.south, box.east, box.north) == pytest.approx(
        (min(xs) - HOME_MARGIN, min(ys) - HOME_MARGIN, max(xs) + HOME_MARGIN,
         max(ys) + HOME_MARGIN))
    county = home_extent(scope=scope_for_user(world.users["county_b"]))  # a jurisdiction
    assert (county.west, county.south, county.east, county.north) == (118.5, 32.0, 119.0, 32.5)


def test_division_extent_is_the_callers_jurisdiction(world):
    extent = division_extent(scope=scope_for_user(world.users["county_b"]))
    assert (extent.west, extent.south, extent.east, extent.north) == (118.5, 32.0, 119.0, 32.5)
    extent = division_extent(scope=scope_for_user(world.users["province"]))
    assert (extent.west, extent.south, extent.east, extent.north) == (118.0, 32.0, 119.0, 32.5)
    # an enterprise user has no jurisdiction of divisions: every visible division frames it
    extent = division_extent(scope=scope_for_user(world.users["enterprise"]))
    assert (extent.west, extent.south, extent.east, extent.north) == (118.0, 32.0, 119.0, 32.5)


def test_record_callback_function_reads_the_scope_of_the_django_request(world, rf):
    a1 = world.enterprises_a[0]
    value = {"layer": "enterprises", "id": a1.pk}
    for user, heading in (("county_b", None), ("county_a", a1.name)):
        request = rf.get("/dash/onemap/")
        request.session = {SESSION_KEY: str(world.users[user].pk)}
        with serving(request):
            panel = show_place(value)[3]
        # county B is refused the place and stands at its own home: its county's record
        assert panel.to_plotly_json()["props"]["children"][0].children == (heading or "乙县")
    # outside a request the caller is the public, who has no home and sees nothing
    assert show_place(value)[3].children == "点击地图上的要素查看详情"


# ---- the record callback through Django -> Dash ---------------------------------------------

def _record_response(world, user: str, pk):
    client = logged_in(world.users[user])
    return dash_place(client, {"layer": "enterprises", "id": pk})


def test_record_callback_outside_scope_is_not_found_and_leaks_nothing(world):
    a1 = world.enterprises_a[0]
    response = _record_response(world, "county_b", a1.pk)
    assert response.status_code == 200
    # a place outside the scope is refused: county B stays at its own home (its county)
    assert texts(response.json()["response"][RECORD]["children"])[0] == "乙县"
    body = response.content.decode()
    assert a1.name not in body and a1.credit_code not in body and a1.address not in body


def test_record_callback_inside_scope_shows_the_record(world):
    response = _record_response(world, "county_a", world.enterprises_a[0].pk)
    assert response.status_code == 200
    panel = response.json()["response"][RECORD]["children"]
    expected = ["测试化工1号有限公司"]
    for field in A1_FIELDS:
        expected += [field.label, field.value]
    assert texts(panel) == [*expected, "查看档案"]
    link = find(panel, "onemap-record-link")["props"]
    assert link["href"] == f"/enterprises/{world.enterprises_a[0].pk}/"  # 一企一档
    assert swatches(panel) == ["#FF8C00"]  # the risk level shows its four-colour class


def test_callbacks_require_login_and_keep_django_csrf(world):
    assert _anonymous_callback().status_code == 401
    client = logged_in(world.users["county_a"], enforce_csrf_checks=True)
    page = client.get("/dash/onemap/")
    assert '"csrf_token_name":"csrftoken"' in page.content.decode()
    token = client.cookies["csrftoken"].value
    value = {"layer": "enterprises", "id": world.enterprises_a[0].pk}
    assert dash_place(client, value).status_code == 403
    assert dash_place(client, value, HTTP_X_CSRFTOKEN=token).status_code == 200


def _anonymous_callback():
    return dash_place(Client(), {"layer": "enterprises", "id": 1})


# ---- layer switcher -------------------------------------------------------------------------

def test_layer_switcher_is_clientside_and_the_map_style_is_the_callers(world, grid_cell):
    """Ticking layers changes visibility in the browser (the view stays); the style the
    map loads is the caller's style.json, with exactly the layers the checklist offers."""
    client = logged_in(world.users["county_a"])
    config = client.get("/dash/onemap/_dash-dependencies").json()
    switcher = [c for c in config if c["inputs"] == [{"id": LAYERS, "property": "value"}]]
    assert len(switcher) == 1
    assert switcher[0]["clientside_function"] == {"namespace": "safeatlas",
                                                  "function_name": "showLayers"}
    layout = client.get("/dash/onemap/_dash-layout").json()
    style_url = find(layout, MAP)["props"]["data-style"]
    assert style_url == "http://testserver/tiles/style.json"
    style = client.get(style_url).json()
    offered = [o["value"] for o in find(layout, LAYERS)["props"]["options"]]
    assert sorted(style["sources"]) == sorted(offered)


# ---- the page and its layout ----------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_the_login_page(world):
    response = Client().get("/dash/onemap/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dash/onemap/"
    assert Client().get("/dash/onemap/_dash-layout").status_code == 302


def test_page_is_served_with_local_assets_only(world):
    client = logged_in(world.users["county_a"])
    page = client.get("/dash/onemap/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>一张图</title>" in html and '<html lang="zh-hans">' in html
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) >= 5
    assert all(src.startswith("/dash/onemap/") for src in sources), sources
    assert any("onemap_map.js" in src for src in sources)
    assert any("vendor/maplibre-gl.js" in src for src in sources)  # ADR 0023: no plotly
    assert not any("plotly" in src for src in sources)
    for src in sources:
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert len(asset.content) > 0


def test_layout_holds_the_map_opened_on_the_callers_jurisdiction(world, grid_cell):
    response = logged_in(world.users["county_a"]).get("/dash/onemap/_dash-layout")
    assert response.status_code == 200
    layout = response.json()
    div = find(layout, MAP)
    assert div["type"] == "Div" and "safeatlas-map" in div["props"]["className"]
    assert json.loads(div["props"]["data-bounds"]) == [118.0, 32.0, 118.5, 32.5]
    assert div["props"]["data-selected"] == SELECTED
    visible = [layer for layer in registry.all()
               if layer.visible_to(scope_for_user(world.users["county_a"]))]

    checklist = find(layout, LAYERS)["props"]
    assert [o["value"] for o in checklist["options"]] == [layer.id for layer in visible]
    assert [texts(o["label"])[0] for o in checklist["options"]] == [
        str(layer.title) for layer in visible]
    assert [o["value"] for o in checklist["options"]][:6] == [
        "divisions", "grid_cells", "built_up", "water", "roads", "enterprises"]
    assert checklist["value"] == [layer.id for layer in visible if layer.shown]
    assert checklist["value"] == ["divisions", "built_up", "water", "roads", "enterprises",
                                  "hazard_sources", "warnings"]
    assert json.loads(div["props"]["data-shown"]) == checklist["value"]
    assert texts(find(layout, RECORD)) == ["点击地图上的要素查看详情"]


def test_legend_names_each_colour_a_layer_uses():
    """Sensors use red, orange and blue only, each named; risk layers name all four."""
    from dashboards.selectors import colour_legend
    from layers.base import FOUR_COLOURS, registry

    assert colour_legend(registry.get("sensors")) == [
        ("高高报 / 低低报", FOUR_COLOURS[1]), ("高报 / 低报", FOUR_COLOURS[2]),
        ("离线", FOUR_COLOURS[4])]
    assert [label for label, _ in colour_legend(registry.get("enterprises"))] == [
        "重大风险（红）", "较大风险（橙）", "一般风险（黄）", "低风险（蓝）"]
