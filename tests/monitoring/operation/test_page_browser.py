"""The operation page in a real browser (headless Debian chromium, zh-CN, 1920×1080): a
province supervisor drills from the city to county A's enterprises and filters the outage
log; nothing leaves the site or is refused by the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, login, screenshot

QUERY = "?start=2026-12-01&end=2026-12-01"
@pytest.mark.browser
def test_operation_drill_down_and_log(live_server, outage):
    e1 = outage.world.enterprises_a[0]
    with chromium_page(viewport=(1920, 1080), locale="zh-CN") as browser:
        page = browser.page
        login(page, f"{live_server.url}/monitoring/operation/{QUERY}", "province")
        expect(page.locator("h1")).to_have_text("系统运行监测")
        expect(page.locator("#op-levels a.active")).to_have_text("市")
        rows = page.locator("#online-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first.locator("td.rate")).to_have_text("95.83%")
        rows.first.locator("a.drill").click()
        page.locator("#online-table tbody tr[data-key='320101'] a.drill").click()
        expect(page.locator("#op-crumbs")).to_have_text("测试省 › 测试市 › 甲县")
        expect(page.locator(f"#online-table tbody tr[data-key='{e1.pk}'] td.rate")) \
            .to_have_text("87.50%")
        expect(page.locator("#outage-log tbody tr")).to_have_count(1)
        expect(page.locator("#outage-log tbody tr td").nth(2)).to_have_text("离线")
        screenshot(page, "operation-county-enterprises")
        page.locator("#id_cause").select_option("no_data")
        page.locator("#op-submit").click()
        expect(page.locator("#outage-log tbody tr td.muted")).to_have_text("所选区间内没有设备异常")
    assert browser.outside == []
