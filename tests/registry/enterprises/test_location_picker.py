"""The location picker in a real browser: log in as county A's supervisor, drag the
marker on the Leaflet map, save; the stored point moved and the audit log has the old
and the new point. Headless Debian chromium against pytest-django's live_server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from geo.models import AuditEntry
from tests.browser import chromium_page, login, screenshot

SCREEN_POINT = """([lon, lat]) => {
  const picker = window.safeatlasLocationPicker;
  const p = picker.map.latLngToContainerPoint([lat, lon]);
  const box = picker.map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


@pytest.mark.browser
def test_drag_the_marker_and_save(live_server, world):
    enterprise = world.enterprises_a[0]
    old = enterprise.geom.wkt
    target = (118.35, 32.35)  # inside county A (118.0–118.5 E, 32.0–32.5 N)
    with chromium_page() as browser:
        page = browser.page
        login(page, f"{live_server.url}/enterprises/{enterprise.pk}/edit", "county_a")
        page.wait_for_function("() => !!window.safeatlasLocationPicker")
        # profiles follow the ticked categories: none ticked, none shown; tick one
        expect(page.locator("fieldset.profile[data-profile=hazchem]")).to_be_hidden()
        page.check("input[name=categories][value=hazardous_chemicals]")
        expect(page.locator("fieldset.profile[data-profile=hazchem]")).to_be_visible()
        page.check("input[name=categories][value=hazardous_chemicals]")
        page.uncheck("input[name=categories][value=hazardous_chemicals]")
        marker = page.locator(".leaflet-marker-icon")
        marker.scroll_into_view_if_needed()
        box = marker.bounding_box()
        start = (box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
        anchor = page.evaluate(SCREEN_POINT, [enterprise.geom.x, enterprise.geom.y])
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
        screenshot(page, "enterprise_edit")
        page.click("#save")
        expect(page.locator(".messages")).to_contain_text("企业档案已保存")
    enterprise.refresh_from_db()
    assert (round(enterprise.geom.x, 6), round(enterprise.geom.y, 6)) == (lon, lat)
    entry = AuditEntry.objects.get(model="registry.enterprise", object_pk=str(enterprise.pk),
                                   action="update")
    assert entry.user_id == world.users["county_a"].pk
    assert entry.changes["geom"] == [old, enterprise.geom.wkt]
