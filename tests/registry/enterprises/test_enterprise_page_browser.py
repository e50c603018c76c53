"""The enterprise pages in a real browser: log in as the province user, drill from the city
into county A through the counts table, open an enterprise and see its page map (MapLibre,
vendored) with the marker, the hazard source and the resources drawn and named, with no
request leaving the machine.

Headless Debian chromium against pytest-django's live_server. Saves
var/screenshots/enterprise.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, login, screenshot
from tests.registry.enterprises.test_enterprise_pages import full_file  # noqa: F401  (fixture)

READY = "() => document.querySelector('#site-map')?.dataset.ready === '1'"
DRAWN = """() => {
  const map = window.SafeAtlas.pageMaps["site-map"];
  if (!map.loaded()) return null;
  const names = (layer) => [...new Set(map.queryRenderedFeatures({layers: [layer]})
    .map((f) => f.properties.name))].sort();  // a polygon over two tiles comes twice
  return {shapes: names("page-fill"), dots: names("page-dots"), labels: names("page-labels")};
}"""


@pytest.mark.browser
def test_drill_into_county_and_open_enterprise_map(live_server, world, full_file):  # noqa: F811
    with chromium_page(viewport=(1920, 1080)) as browser:
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
        expect(page.locator(".page-map .maplibregl-canvas")).to_have_count(1)
        expect(page.locator("#site-map .maplibregl-marker")).to_have_count(1)
        page.wait_for_function(READY, timeout=15_000)
        # one hazard source outline and three resources (the province sees B's team too)
        drawn = page.wait_for_function(DRAWN, timeout=15_000).json_value()
        assert [name.split(" · ")[0] for name in drawn["shapes"]] == ["一号罐区"]
        assert len(drawn["dots"]) == 3
        expect(page.locator("#licences")).to_contain_text("7天内到期")
        screenshot(page, "enterprise")
        # the site and its hazard source are named first; a dot's name may give way where
        # names crowd (MapLibre hides a label that would overlap another)
        assert {full_file.name, *drawn["shapes"]} <= set(drawn["labels"])
        assert set(drawn["labels"]) <= {full_file.name, *drawn["shapes"], *drawn["dots"]}
    assert browser.outside == []
