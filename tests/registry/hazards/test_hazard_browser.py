"""The one-source file and unknown-chemical identification in a real browser (headless
Debian chromium against live_server): the page map (MapLibre from our own static files)
draws and names the unit and its enterprise with no request leaving the site, and the
identification form ranks chlorine first."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from registry.hazards.models import Chemical
from registry.hazards.services import (
    hazard_source_create,
    hazard_source_set_chemicals,
    responsible_persons_set,
)
from tests.browser import chromium_page, login, screenshot
from tests.conftest import box

DRAWN = """() => {
  const map = window.SafeAtlas.pageMaps["source-map"];
  if (!map || !map.loaded() || !map.getLayer("page-labels")) return null;
  const names = (layer) => [...new Set(map.queryRenderedFeatures({layers: [layer]})
    .map((f) => f.properties.name))].sort();
  return [names("page-fill"), names("page-dots"), names("page-labels")];
}"""
PERSONS = [{"role": r, "name": n, "post": "岗位", "phone": "13900000001"}
           for r, n in (("principal", "王建国"), ("technical", "李志强"), ("operation", "张海燕"))]


@pytest.fixture
def source(world):
    call_command("load_chemicals", stdout=StringIO())
    ent = world.enterprises_a[0]
    x, y = ent.geom.x, ent.geom.y
    source = hazard_source_create(enterprise=ent, name="液氯罐区", kind="tank_farm",
                                  geom=box(x - 0.0005, y - 0.0005, x + 0.0005, y + 0.0005),
                                  exposed_people=60)
    hazard_source_set_chemicals(source=source, items=[(Chemical.objects.get(name="氯"), "30")])
    responsible_persons_set(source=source, persons=PERSONS)
    return source


@pytest.mark.browser
def test_source_map_and_identification_in_a_browser(live_server, world, source):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/hazards/{source.pk}/", "enterprise")
        expect(page.locator("#level")).to_have_text("三级")
        # the unit polygon and the enterprise point, each named
        drawn = page.wait_for_function(DRAWN, timeout=15_000).json_value()
        enterprise = source.enterprise.name
        assert drawn == [["液氯罐区"], [enterprise], sorted(["液氯罐区", enterprise])]
        page.locator("#source-map").scroll_into_view_if_needed()
        screenshot(page, "hazard-source", full_page=False)

        page.click("#submit-filing")
        expect(page.locator("#filing-state")).to_have_text("已提交备案")

        page.goto(f"{live_server.url}/hazards/chemicals/identify/")
        page.select_option("#id_state", "gas")
        page.select_option("#id_colour", "黄绿色")
        page.select_option("#id_odour", "刺激性")
        page.get_by_label("咳嗽").check()
        page.click("#identify-submit")
        first = page.locator("#candidates article").first
        expect(first.locator("h3 a")).to_have_text("氯")
        expect(first).to_contain_text("吻合：气体、黄绿色、刺激性、咳嗽")
    requested = browser.requested
    hosts = {urlparse(url).netloc for url in requested if url.startswith("http")}
    assert hosts == {urlparse(live_server.url).netloc}
    assert browser.outside == []
    assert any(url.endswith("/static/vendor/maplibre-gl/maplibre-gl.js") for url in requested)
    assert any("/tiles/style.json?layers=" in url for url in requested)
