"""The grading page in a real browser (headless Debian chromium, zh-CN, 1920×1080): a
province supervisor drills from the city to the counties to county A's enterprises,
sorts by 消警处置及时率, and nothing leaves the site or is refused by the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, login, screenshot

QUERY = "?start=2026-12-01&end=2026-12-01"


@pytest.fixture(autouse=True)
def _utc(settings):
    settings.TIME_ZONE = "UTC"  # the days of the hand-built alarms


@pytest.mark.browser
def test_grading_drill_down_and_sort(live_server, graded):
    e1, e2 = graded.enterprises_a[:2]
    with chromium_page(viewport=(1920, 1080), locale="zh-CN") as browser:
        page = browser.page
        login(page, f"{live_server.url}/monitoring/grading/{QUERY}", "province")
        expect(page.locator("h1")).to_have_text("报警处置考核")
        expect(page.locator("#grading-levels a.active")).to_have_text("市")
        rows = page.locator("#grading-table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first.locator("td").nth(4)).to_contain_text("40.0%")  # 2 of 5 on time
        screenshot(page, "grading-province-city")

        rows.first.locator("a.drill").click()
        expect(rows).to_have_count(2)
        expect(page.locator("#grading-table tbody tr[data-key='320101'] td").first) \
            .to_contain_text("甲县")
        page.locator("#grading-table tbody tr[data-key='320101'] a.drill").click()
        expect(page.locator("#grading-crumbs")).to_have_text("测试省 › 测试市 › 甲县")
        expect(page.locator("#grading-levels a.active")).to_have_text("企业")
        expect(rows).to_have_count(2)
        page.locator("#grading-table th[data-sort='timely_rate'] a").click()
        expect(rows.first).to_have_attribute("data-key", str(e1.pk))
        expect(rows.nth(1)).to_have_attribute("data-key", str(e2.pk))  # no alarm: last
        expect(page.locator("#false-alarm-sensors tbody tr")).to_have_count(1)
        expect(page.locator("#false-alarm-sensors tbody tr td").first).to_contain_text("液位S1")
        screenshot(page, "grading-county-enterprises")
    assert browser.outside == []
