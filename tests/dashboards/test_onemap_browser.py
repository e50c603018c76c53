"""The one map in a real browser: log in, wait for the vector tiles, click an enterprise.

Headless Debian chromium against pytest-django's live_server (which makes the test
transactional, so the server thread sees the `world` rows). Saves var/screenshots/onemap.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import catalogue
from tests.browser import chromium_page, login, screenshot

# The page's MapLibre map (assets/onemap_map.js, ADR 0023).
MAP = "window.SafeAtlas?.maps?.['onemap-map']"

TILES_DRAWN = f"""() => {{
  const map = {MAP};
  if (!map || !map.loaded()) return false;
  const count = (id) => map.querySourceFeatures(id, {{sourceLayer: id}}).length;
  return count('enterprises') >= 5 && count('divisions') > 0;
}}"""

SCREEN_POINT = f"""([lon, lat]) => {{
  const map = {MAP};
  const point = map.project([lon, lat]);
  const box = map.getCanvas().getBoundingClientRect();
  return [box.left + point.x, box.top + point.y];
}}"""

# Registry layers drawn now (the switcher hides the others, keeping the view).
STYLE_SOURCES = f"""() => {{
  const map = {MAP};
  return [...new Set(map.getStyle().layers
    .filter((l) => l.metadata && l.metadata['safeatlas:layer'])
    .filter((l) => map.getLayoutProperty(l.id, 'visibility') !== 'none')
    .map((l) => l.source))].sort();
}}"""
GRID_DRAWN_AT = f"""([x, y]) => {{
  const map = {MAP};
  const box = map.getCanvas().getBoundingClientRect();
  return map.queryRenderedFeatures([x - box.left, y - box.top])
    .some((f) => f.layer.metadata && f.layer.metadata['safeatlas:layer'] === 'grid_cells');
}}"""
VIEW = f"() => {{ const m = {MAP}; return [m.getCenter().lng, m.getCenter().lat, m.getZoom()]; }}"

ENTERPRISE_IDS = f"""() => {{
  const map = {MAP};
  const ids = map.querySourceFeatures('enterprises', {{sourceLayer: 'enterprises'}})
    .map((f) => f.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}}"""


@pytest.mark.browser
def test_onemap_draws_tiles_and_shows_a_clicked_enterprise(live_server, world,
                                                           grid_cell):
    target = world.enterprises_a[2]  # 测试化工3号有限公司, risk level 4 (blue)
    with chromium_page(viewport=(1280, 800)) as browser:
        page = browser.page
        errors: list[str] = []  # MapLibre reports style faults (a missing source layer) here
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(page, f"{live_server.url}/dash/onemap/", "county_a")
        expect(page).to_have_title("一张图")

        page.wait_for_function(TILES_DRAWN, timeout=30_000)
        # county A's scope: its five enterprises are in the tiles, county B's three are not
        assert page.evaluate(ENTERPRISE_IDS) == sorted(e.pk for e in world.enterprises_a)

        x, y = page.evaluate(SCREEN_POINT, [target.geom.x, target.geom.y])
        page.mouse.click(x, y)
        record = page.locator("#onemap-record-body")
        expect(record.locator("h3")).to_have_text(target.name, timeout=15_000)
        expect(record).to_contain_text(target.credit_code)
        expect(record).to_contain_text("低风险（蓝）")
        link = page.locator("#onemap-record-link")  # 一企一档
        expect(link).to_have_attribute("href", f"/enterprises/{target.pk}/")
        expect(page.locator(".maplibregl-ctrl-scale")).to_be_visible()

        screenshot(page, "onemap", full_page=False)

        # a map opens on the orienting layers; the others are a tick away
        shown = sorted(e["id"] for e in catalogue.layers() if e["shown"])
        assert page.evaluate(STYLE_SOURCES) == shown
        layers = page.locator("#onemap-layers")
        layers.get_by_role("option", name="监管网格", exact=True).click()
        with_grid = ",".join(sorted([*shown, "grid_cells"]))
        page.wait_for_function(f"() => ({STYLE_SOURCES})().join() === '{with_grid}'")

        # a polygon is clickable too: the grid cell under a spot with no enterprise
        x, y = page.evaluate(SCREEN_POINT, [118.27, 32.27])
        page.wait_for_function(GRID_DRAWN_AT, arg=[x, y])  # the cell's tile, not just its tick
        page.mouse.click(x, y)
        expect(record.locator("h3")).to_have_text(grid_cell.name, timeout=15_000)

        # unticking 企业 hides its source and keeps the user's view
        page.evaluate(f"() => {MAP}.jumpTo({{center: [118.2, 32.2], zoom: 11}})")
        view = page.evaluate(VIEW)
        layers.get_by_role("option", name="企业", exact=True).click()
        without = ",".join(s for s in with_grid.split(",") if s != "enterprises")
        page.wait_for_function(f"() => ({STYLE_SOURCES})().join() === '{without}'")
        assert page.evaluate(VIEW) == view
        assert errors == []


BOUNDS = f"() => {MAP}.getBounds().toArray().flat()"  # west, south, east, north


@pytest.mark.browser
def test_drill_down_narrows_the_map_and_the_panels_and_search_finds_a_firm(live_server,
                                                                            world):
    """Province -> city (table) -> county B (a click on the map) -> an enterprise found
    by its credit code: breadcrumb, counts by colour and the map's view follow."""
    b11 = world.enterprises_b[0]
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        login(page, f"{live_server.url}/dash/onemap/", "province")
        page.wait_for_function(TILES_DRAWN, timeout=30_000)
        trail, counts = page.locator("#onemap-trail"), page.locator("#onemap-drill")
        expect(trail).to_have_text("本辖区›测试省")
        expect(counts.locator("tbody tr")).to_have_count(1)  # the one city, 8 firms
        expect(counts.locator("tfoot")).to_contain_text("8")

        counts.get_by_role("button", name="测试市").click()
        expect(trail).to_have_text("本辖区›测试省›测试市", timeout=15_000)
        expect(counts.locator("tbody tr")).to_have_count(2)
        expect(counts.locator("tbody tr").nth(1)).to_contain_text("乙县")
        page.wait_for_function(f"() => !{MAP}.isMoving()")
        west, south, east, north = page.evaluate(BOUNDS)
        assert west <= 118.0 and east >= 119.0 and east - west < 3  # fitted to the city
        city_zoom = page.evaluate(VIEW)[2]
        drawn = ("() => window.SafeAtlas.views['onemap-map'].bubbles.features.length === 2"
                 f" && {MAP}.getLayer('safeatlas-drill') !== undefined")
        page.wait_for_function(drawn)

        x, y = page.evaluate(SCREEN_POINT, [118.75, 32.45])  # county B, away from firms
        page.mouse.click(x, y)
        expect(trail).to_have_text("本辖区›测试省›测试市›乙县", timeout=15_000)
        expect(page.locator("#onemap-record-body h3")).to_have_text("乙县")
        page.wait_for_function(f"() => !{MAP}.isMoving()")
        lon, lat, zoom = page.evaluate(VIEW)
        assert 118.5 < lon < 119.0 and 32.0 < lat < 32.5 and zoom > city_zoom  # county B

        page.fill("#onemap-search", b11.credit_code)
        hit = page.locator("#onemap-hits button.go")
        expect(hit).to_have_text(b11.name, timeout=15_000)
        hit.click()
        expect(page.locator("#onemap-record-body h3")).to_have_text(b11.name,
                                                                   timeout=15_000)
        expect(trail).to_contain_text(f"乙县›{b11.name}")
        page.wait_for_function(f"() => !{MAP}.isMoving() && {MAP}.getZoom() >= 14.9")
        screenshot(page, "onemap-drill", full_page=False)
        assert errors == []
