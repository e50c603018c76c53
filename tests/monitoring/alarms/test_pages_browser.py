"""The alarm's release chain in a real browser (headless Debian chromium against
live_server): the enterprise signs for the alarm from its header queue and reports its
handling with a photo; the level being back, the county releases it. No request leaves
the site, and the Content-Security-Policy refuses nothing the pages need."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from PIL import Image
from playwright.sync_api import expect

from monitoring.alarms.models import Alarm, AlarmPhoto, EarlyWarning
from tests.browser import chromium_page, login, screenshot
from tests.monitoring.alarms.conftest import send, series

WARNING_MAP_NAMES = """() => {
  const map = window.SafeAtlas.pageMaps["site-map"];
  if (!map || !map.loaded() || !map.getLayer("page-labels")) return null;
  const names = (layer) => [...new Set(map.queryRenderedFeatures({layers: [layer]})
    .map((f) => f.properties.name))].sort();
  return {shapes: names("page-fill"), dots: names("page-dots"), labels: names("page-labels")};
}"""


def _png(tmp_path):
    path = tmp_path / "现场.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.browser
def test_the_enterprise_handles_and_the_county_releases(live_server, gateway, places,
                                                        tmp_path):
    # The level rises past HH and comes back: an alarm on record, its values normal again
    # (no database work inside the browser block, whose event loop has its own context).
    send(series("T-1.level", [17.0, 18.5, 18.6, 18.7, 18.8, 18.9, 19.0]), at=7)
    send(series("T-1.level", [15.0, 14.0], seq0=8, s0=7), at=9)
    alarm = Alarm.objects.get()
    url = f"{live_server.url}/monitoring/alarms/{alarm.pk}/"
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/monitoring/alarms/", "enterprise")
        page.click("#queue-alarms_acknowledge")
        expect(page.locator("tr.alarm-row")).to_have_count(1)
        page.click("tr.alarm-row a >> nth=0")
        expect(page.locator("#status")).to_have_text("已推送")
        page.click("#acknowledge")
        expect(page.locator("#status")).to_have_text("企业已签收")
        page.fill("#id_feedback", "关闭进料阀，液位回落至正常")
        page.set_input_files("#id_photos", str(_png(tmp_path)))
        page.click("#handle")
        expect(page.locator("#status")).to_have_text("已处置待确认")
        expect(page.locator("#photos img")).to_have_count(1)
        assert page.locator("#photos img").evaluate("img => img.naturalWidth") == 64
        screenshot(page, "alarm-handled-enterprise")
        page.click("header .who form button")  # sign out

        login(page, url, "county_a")
        expect(page.locator("#cleared")).not_to_have_text("尚未恢复")
        page.click("#release")
        expect(page.locator("#status")).to_have_text("已解除")
        expect(page.locator("#timeline li")).to_have_count(6)
        page.click("#warning-link")
        expect(page.locator("#warning-banner h1")).to_have_text("橙色预警（较大）")
        expect(page.locator("#location .maplibregl-marker")).to_have_count(1)
        # the warning's point and its name (with a source outline and sensors: theirs too)
        drawn = page.wait_for_function(WARNING_MAP_NAMES, timeout=15_000).json_value()
        page.locator("#location").scroll_into_view_if_needed()
        screenshot(page, "warning-panel-county")
    alarm.refresh_from_db()
    warning = EarlyWarning.objects.get(alarm=alarm)
    # the fixture's sensor has no place of its own and its source no outline: the warning's
    # point, named (tests/monitoring/alarms/test_pages.py checks the map's shapes and dots)
    assert drawn == {"shapes": [], "dots": [], "labels": [warning.title]}
    assert (alarm.status, alarm.released_by, AlarmPhoto.objects.count()) == (
        "released", places["county_a"], 1)
    hosts = {urlparse(u).netloc for u in browser.requested if u.startswith("http")}
    assert hosts == {urlparse(live_server.url).netloc}
    assert browser.outside == []
