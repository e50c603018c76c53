"""The enterprise pages in a real browser: log in as the province user, drill from the city
into county A through the counts table, open an enterprise and see its folium map drawn
from the vendored Leaflet, with no request leaving the machine.

Headless Debian chromium against pytest-django's live_server. Saves
var/screenshots/enterprise.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, login, screenshot
from tests.registry.enterprises.test_enterprise_pages import full_file  # noqa: F401  (fixture)

MARKER_DRAWN = """() => {
  const icon = document.querySelector('.leaflet-container .leaflet-marker-icon');
  return !!icon && icon.complete && icon.naturalWidth > 0;
}"""


@pytest.mark.browser
def test_drill_into_county_and_open_enterprise_map(live_server, world, full_file):  # noqa: F811
    with chromium_page() as browser:
        page = browser.page
        login(page, f"{live_server.url}/enterprises/", "province")
        rows = page.locator("#enterprise-table tbody tr")
        expect(rows).to_have_count(8)

        counts = page.locator("#division-counts")
        counts.locator("a[data-division='3201']").click()
        expect(counts.locator("tbody tr")).to_have_count(2)
        expect(counts).to_contain_text("甲县")
        expect(counts).to_contain_text("乙县")
        counts.locator("a[data-division='320101']").click()
        page.wait_for_url("**/enterprises/?division=320101")
        expect(rows).to_have_count(5)
        expect(page.locator("#enterprise-table")).not_to_contain_text("测试化工11号")
        expect(page.locator("select[name=division]")).to_have_value("320101")
        screenshot(page, "enterprise-list")

        page.locator("#enterprise-table a", has_text=full_file.name).click()
        page.wait_for_url(f"**/enterprises/{full_file.pk}/")
        expect(page.locator("#enterprise-name")).to_contain_text(full_file.name)
        expect(page.locator(".leaflet-container")).to_have_count(1)
        page.wait_for_function(MARKER_DRAWN, timeout=15_000)
        # one hazard source outline and three resources (the province sees B's team too)
        shapes = page.locator(".leaflet-container path.leaflet-interactive")
        expect(shapes).to_have_count(4)
        expect(page.locator("#licences")).to_contain_text("7天内到期")
        screenshot(page, "enterprise")
    assert browser.outside == []
