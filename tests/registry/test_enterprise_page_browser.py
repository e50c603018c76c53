"""The enterprise pages in a real browser: log in as the province user, drill from the city
into county A through the counts table, open an enterprise and see its folium map drawn
from the vendored Leaflet, with no request leaving the machine.

Headless Debian chromium against pytest-django's live_server. Saves
var/screenshots/enterprise.png.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from tests.registry.test_enterprise_pages import full_file  # noqa: F401  (fixture)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "enterprise.png"
LIST_SCREENSHOT = SCREENSHOT.with_name("enterprise-list.png")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

MARKER_DRAWN = """() => {
  const icon = document.querySelector('.leaflet-container .leaflet-marker-icon');
  return !!icon && icon.complete && icon.naturalWidth > 0;
}"""


@pytest.mark.browser
def test_drill_into_county_and_open_enterprise_map(live_server, world, full_file):  # noqa: F811
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

            def guard(route):
                url = route.request.url
                if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOOPBACK:
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            page.route("**/*", guard)
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.goto(f"{live_server.url}/enterprises/")
            page.fill("#id_username", "province")
            page.fill("#id_password", "pw-province")
            page.click("#login-submit")
            page.wait_for_url(f"{live_server.url}/enterprises/")
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
            page.screenshot(path=str(LIST_SCREENSHOT), full_page=True)

            page.locator("#enterprise-table a", has_text=full_file.name).click()
            page.wait_for_url(f"**/enterprises/{full_file.pk}/")
            expect(page.locator("#enterprise-name")).to_contain_text(full_file.name)
            expect(page.locator(".leaflet-container")).to_have_count(1)
            page.wait_for_function(MARKER_DRAWN, timeout=15_000)
            # one hazard source outline and three resources (the province sees B's team too)
            shapes = page.locator(".leaflet-container path.leaflet-interactive")
            expect(shapes).to_have_count(4)
            expect(page.locator("#licences")).to_contain_text("7天内到期")
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert outside == []
