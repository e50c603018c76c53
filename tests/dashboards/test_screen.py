"""The large screen (大屏) through Django -> Dash: the registered panels, their figures in
the caller's scope and in few queries, the list it starts with, and callbacks that read
nothing of another jurisdiction."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from dashboards.screen import CHARTS, COUNTS, RECORD, SELECTED, TICK, panel_figures
from geo.models import Role, User
from geo.panels import Figure, screen_panel, screen_panels
from geo.scope import scope_for_user
from monitoring.alarms.models import Alarm
from tests.dashboards.conftest import logged_in
from tests.dashboards.test_onemap import find, texts

PANELS = ["enterprises", "hazards", "alarms", "warnings", "incidents", "operation",
          "commitments", "alarm_trend", "grids"]


def _figures(scope) -> dict[str, dict[str, object]]:
    return {panel.key: {f.key: f.value for f in figures}
            for panel, figures in panel_figures(scope)}


def _layout(client: Client) -> dict:
    response = client.get("/dash/screen/_dash-layout")
    assert response.status_code == 200
    return response.json()


def _screen_props(layout: dict) -> dict:
    return find(layout, "screen")["props"]


def _callback(client: Client, outputs: list[tuple[str, str]],
              inputs: list[tuple[str, str, object]]):
    """POST one Dash callback the way dash-renderer does (one or more outputs)."""
    many = len(outputs) > 1
    output = "..{}..".format("...".join(f"{i}.{p}" for i, p in outputs)) if many \
        else f"{outputs[0][0]}.{outputs[0][1]}"
    out_ids = [{"id": i, "property": p} for i, p in outputs]
    body = {"output": output, "outputs": out_ids if many else out_ids[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"], "state": []}
    return client.post("/dash/screen/_dash-update-component", json.dumps(body),
                       content_type="application/json")


def test_every_module_panel_is_registered_in_screen_order(db):
    assert [p.key for p in screen_panels()] == PANELS
    assert [p.chart for p in screen_panels()].count("bars") == 1


def test_county_figures_count_its_own_rows_only(world, warnings_ab):
    a = _figures(scope_for_user(world.users["county_a"]))
    b = _figures(scope_for_user(world.users["county_b"]))
    # county A: risk levels 2, 3, 4, 1, 2; county B: 4, 1, 2 (tests/conftest.py)
    assert a["enterprises"] == {"total": 5, "r1": 1, "r2": 2, "r3": 1, "r4": 1}
    assert b["enterprises"] == {"total": 3, "r1": 1, "r2": 1, "r3": 0, "r4": 1}
    # one HH alarm (level 1) and its orange warning in each county, none of the other's
    for figures in (a, b):
        assert figures["alarms"] == {"total": 1, "l1": 1, "l2": 0, "l3": 0, "l4": 0}
        assert figures["warnings"] == {"l1": 0, "l2": 1, "l3": 0, "l4": 0, "escalated": 0}
        assert figures["operation"]["gateways"] == 1
    province = _figures(scope_for_user(world.users["province"]))
    assert province["alarms"]["total"] == 2 and province["enterprises"]["total"] == 8


def test_enterprise_user_sees_its_own_firm(world, warnings_ab):
    figures = _figures(scope_for_user(world.users["enterprise"]))
    assert figures["enterprises"]["total"] == 1
    assert figures["alarms"]["total"] == 1  # its own plant's (gw-a is at enterprise 1)
    assert figures["operation"]["gateways"] == 1


def test_oversight_scope_sees_no_alarm_panels_and_no_stream(world, warnings_ab):
    auditor = User.objects.create_user("auditor", password="pw", role=Role.AUDITOR)
    assert [p.key for p, _f in panel_figures(scope_for_user(auditor))] == []
    props = _screen_props(_layout(logged_in(auditor)))
    assert props["data-live"] == "0" and json.loads(props["data-recent"]) == []


def test_panels_cost_one_query_each_at_most(world, warnings_ab, django_assert_max_num_queries):
    scope = scope_for_user(world.users["province"])
    with django_assert_max_num_queries(len(PANELS)):
        assert len(panel_figures(scope)) == len(PANELS)


def test_a_new_panel_registers_without_editing_the_screen(world, monkeypatch):
    """As enforcement or response will: a `panels.py` of theirs with a decorated function."""
    from geo import panels
    monkeypatch.setattr(panels, "_panels", panels._panels.copy())
    screen_panel(80, "隐患", key="dangers", layer="enterprises")(
        lambda scope: [Figure("未整改", 7, colour="#FF0000", key="open")])
    layout = _layout(logged_in(world.users["county_a"]))
    section = find(layout, "panel-dangers")
    assert texts(section) == ["隐患", "7", "未整改"]


def test_layout_starts_with_the_callers_warnings_only(world, warnings_ab):
    warning_a, warning_b = warnings_ab
    props = _screen_props(_layout(logged_in(world.users["county_a"])))
    recent = json.loads(props["data-recent"])
    assert [(e["type"], e["warning"]["id"], e["alarm"]["enterprise"]["name"]) for e in recent] \
        == [("warning.raised", warning_a.pk, world.enterprises_a[0].name)]
    assert props["data-live"] == "1" and props["data-events"] == "/monitoring/events"
    assert find(_layout(logged_in(world.users["county_a"])), "screen-map")["props"][
        "data-theme"] == "dark"


def test_refresh_callback_reads_the_callers_scope(world, warnings_ab):
    Alarm.objects.filter(enterprise=world.enterprises_b[0]).update(level=3)
    response = _callback(logged_in(world.users["county_a"]), [(COUNTS, "children"),
                                                              (CHARTS, "children")],
                         [(TICK, "data", 1), ("screen-interval", "n_intervals", None)])
    assert response.status_code == 200
    got = response.json()["response"]
    alarms = find(got[COUNTS]["children"], "panel-alarms")
    # county A's one level-1 alarm, not county B's (now level 3)
    assert texts(alarms) == ["未解除报警", "1", "合计", "1", "高高/低低", "0", "高/低报",
                             "0", "速率/不变", "0", "无数据/离线"]
    trend = find(got[CHARTS]["children"], "panel-alarm_trend")
    assert texts(trend)[0] == "近24小时报警"


def test_record_callback_ignores_another_countys_warning(world, warnings_ab):
    warning_a, warning_b = warnings_ab
    client = logged_in(world.users["county_a"])
    mine = _callback(client, [(RECORD, "children")],
                     [(SELECTED, "data", {"layer": "warnings", "id": warning_a.pk})])
    assert find(mine.json()["response"][RECORD]["children"], "onemap-record-body")
    theirs = _callback(client, [(RECORD, "children")],
                       [(SELECTED, "data", {"layer": "warnings", "id": warning_b.pk})])
    assert theirs.status_code == 200
    assert theirs.json()["response"][RECORD]["children"]["props"]["id"] == \
        "onemap-record-missing"
    assert warning_b.title not in theirs.content.decode()
    assert world.enterprises_b[0].name not in theirs.content.decode()


def test_screen_needs_a_login(db):
    assert Client().get("/dash/screen/").status_code == 302
    assert Client().post("/dash/screen/_dash-update-component", "{}",
                         content_type="application/json").status_code == 401


@pytest.mark.parametrize("user", ["county_a", "province", "enterprise"])
def test_page_renders_in_chinese(world, user):
    response = logged_in(world.users[user]).get("/dash/screen/")
    assert response.status_code == 200
    assert "<title>指挥中心大屏</title>" in response.content.decode()
