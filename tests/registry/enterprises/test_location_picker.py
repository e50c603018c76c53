"""The location picker in a real browser: log in as county A's supervisor, click the
MapLibre page map (the marker jumps there, the inputs follow), drag the marker, save; the
stored point moved and the audit log has the old and the new point. The base map is drawn
from this machine only. Headless Debian chromium against pytest-django's live_server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from geo.models import AuditEntry
from tests.browser import chromium_page, login, screenshot

SCREEN_POINT = """([lon, lat]) => {
  const map = window.SafeAtlas.pageMaps["location-map"];
  const p = map.project([lon, lat]);
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""
READY = "() => document.querySelector('#location-map')?.dataset.ready === '1'"


@pytest.mark.browser
def test_drag_the_marker_and_save(live_server, world):
    enterprise = world.enterprises_a[0]
    old = enterprise.geom.wkt
    target = (118.35, 32.35)  # inside county A (118.0–118.5 E, 32.0–32.5 N)
    with chromium_page() as browser:
        page = browser.page
        login(page, f"{live_server.url}/enterprises/{enterprise.pk}/edit", "county_a")
        page.wait_for_function(READY)
        # profiles follow the ticked categories: none ticked, none shown; tick one
        expect(page.locator("fieldset.profile[data-profile=hazchem]")).to_be_hidden()
        page.check("input[name=categories][value=hazardous_chemicals]")
        expect(page.locator("fieldset.profile[data-profile=hazchem]")).to_be_visible()
        page.check("input[name=categories][value=hazardous_chemicals]")
        page.uncheck("input[name=categories][value=hazardous_chemicals]")
        page.locator("#location-map").scroll_into_view_if_needed()
        # a click puts the marker (and the inputs) where it landed
        clicked = (118.2, 32.1)
        page.mouse.click(*page.evaluate(SCREEN_POINT, list(clicked)))
        assert float(page.input_value("#id_lon")) == pytest.approx(clicked[0], abs=0.005)
        assert float(page.input_value("#id_lat")) == pytest.approx(clicked[1], abs=0.005)
        marker = page.locator("#location-map .maplibregl-marker")
        box = marker.bounding_box()
        start = (box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
        anchor = page.evaluate(SCREEN_POINT, [float(page.input_value("#id_lon")),
                                              float(page.input_value("#id_lat"))])
        goal = page.evaluate(SCREEN_POINT, list(target))
        # the icon's tip is the point: drag by the offset from the point to the goal
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(start[0] + (goal[0] - anchor[0]) / 2,
                        start[1] + (goal[1] - anchor[1]) / 2, steps=5)
        page.mouse.move(start[0] + goal[0] - anchor[0], start[1] + goal[1] - anchor[1],
                        steps=5)
        page.mouse.up()
        lon = float(page.input_value("#id_lon"))
        lat = float(page.input_value("#id_lat"))
        assert lon == pytest.approx(target[0], abs=0.01)
        assert lat == pytest.approx(target[1], abs=0.01)
        # the base map drew from the caller's style, with the divisions' names
        names = page.evaluate("""() => window.SafeAtlas.pageMaps["location-map"]
          .queryRenderedFeatures({layers: ["divisions-label"]}).map(f => f.properties.name)""")
        assert set(names) & {"测试市", "甲县"}, names  # the band named at this zoom
        screenshot(page, "enterprise_edit")
        page.click("#save")
        expect(page.locator(".messages")).to_contain_text("企业档案已保存")
    assert browser.outside == []
    enterprise.refresh_from_db()
    assert (round(enterprise.geom.x, 6), round(enterprise.geom.y, 6)) == (lon, lat)
    entry = AuditEntry.objects.get(model="registry.enterprise", object_pk=str(enterprise.pk),
                                   action="update")
    assert entry.user_id == world.users["county_a"].pk
    assert entry.changes["geom"] == [old, enterprise.geom.wkt]
