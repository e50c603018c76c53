"""The risk map page in a real browser (headless Debian chromium, zh-CN, 1920×1080): the
choropleth, the cloud's tiles, the day slider switching them in place, the opacity control
and the static/dynamic switch. Saves var/screenshots/riskmap*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, login, screenshot
from tests.dashboards.test_riskmap import towns  # noqa: F401  (fixture)
from tests.tiles.test_risk_cloud import BEFORE, DAY, score

MAP = "window.SafeAtlas?.maps?.['riskmap-map']"
READY = f"() => {MAP}?.loaded() && !!{MAP}.getLayer('riskmap-cloud')"
CLOUD = f"() => {MAP}.getSource('risk_cloud').tiles[0]"
OPACITY = f"() => {MAP}.getPaintProperty('riskmap-cloud', 'raster-opacity')"
VIEW = f"() => {{ const m = {MAP}; return [m.getCenter().lng, m.getCenter().lat, m.getZoom()]; }}"
VISIBLE = f"""() => {{ const m = {MAP};
  return m.getStyle().layers.filter((l) => m.getLayoutProperty(l.id, 'visibility') !== 'none')
    .map((l) => l.id); }}"""


@pytest.fixture
def days(towns):  # noqa: F811
    a, b = towns.enterprises_a, towns.enterprises_b
    for ent, today, before in ((a[0], 85.0, 15.0), (a[2], 55.0, 60.0), (b[1], 75.0, 35.0)):
        score(ent, DAY, today)
        score(ent, BEFORE, before)
    return towns


def cloud_requests(page, day) -> list[str]:
    return [u for u in page.requested if f"/tiles/risk_cloud/{day:%Y%m%d}/" in u]


@pytest.mark.browser
def test_riskmap_slider_switches_the_clouds_day_in_place(live_server, days):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        login(page, f"{live_server.url}/dash/riskmap/", "province")
        expect(page).to_have_title("风险四色图")
        page.wait_for_function(READY, timeout=30_000)
        expect(page.locator("#riskmap-table")).to_contain_text("甲县")
        expect(page.locator("#riskmap-day-label")).to_have_text("2026-12-02")
        assert page.evaluate(CLOUD).endswith("/tiles/risk_cloud/20261202/{z}/{x}/{y}.png")
        page.wait_for_function(f"() => {MAP}.areTilesLoaded()")
        assert cloud_requests(browser, DAY)
        assert "enterprise_risk-circle" in page.evaluate(VISIBLE)
        screenshot(page, "riskmap", full_page=False)

        view = page.evaluate(VIEW)
        page.locator("#riskmap-day [role=slider]").focus()
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#riskmap-day-label")).to_have_text("2026-12-01")
        page.wait_for_function(f"() => ({CLOUD})().includes('/20261201/')")
        page.wait_for_function(f"() => {MAP}.areTilesLoaded()")
        assert cloud_requests(browser, BEFORE)  # the day's own tiles were fetched
        assert page.evaluate(VIEW) == view      # the map kept its view: no reload

        page.locator("#riskmap-opacity [role=slider]").focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"() => Math.abs(({OPACITY})() - 0.7) < 1e-9")

        page.get_by_label("静态风险").check()
        page.wait_for_function(f"() => ({VISIBLE})().includes('enterprises-circle')")
        assert "enterprise_risk-circle" not in page.evaluate(VISIBLE)
        expect(page.locator("#riskmap-table")).to_contain_text("静态风险等级")
        assert page.evaluate(VIEW) == view
        screenshot(page, "riskmap-static", full_page=False)
        assert errors == []


@pytest.mark.browser
def test_riskmap_for_a_county_user(live_server, days):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(page, f"{live_server.url}/dash/riskmap/", "county_a")
        page.wait_for_function(READY, timeout=30_000)
        page.wait_for_function(f"() => {MAP}.areTilesLoaded()")
        table = page.locator("#riskmap-table")
        expect(table).to_contain_text("甲县一镇")
        assert not re.search("乙县", table.inner_text())
        screenshot(page, "riskmap-county", full_page=False)
        assert errors == []
