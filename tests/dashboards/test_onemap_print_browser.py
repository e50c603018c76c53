"""Printing the one map in a real browser: the 打印 button lays the map as drawn on an A4
landscape sheet with the place, a north arrow, a scale bar measured on the image, the
legend of the shown layers and the time printed; Chromium's own print (page.pdf) of that
sheet is read back with pdftotext. Saves var/screenshots/onemap_print.pdf."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser import SCREENSHOTS, chromium_page, login
from tests.dashboards.test_onemap_browser import MAP, TILES_DRAWN

SHEET = """() => {
  const sheet = document.querySelector('.print-sheet');
  const frame = sheet.querySelector('.print-frame').getBoundingClientRect();
  const scale = sheet.querySelector('.print-scale').getBoundingClientRect();
  return {image: sheet.querySelector('.print-image').src.length,
          north: sheet.querySelector('.print-north').textContent,
          scale: sheet.querySelector('.print-scale').textContent,
          share: scale.width / frame.width,
          legend: [...sheet.querySelectorAll('.print-legend [data-legend-layer]')]
            .map((el) => el.dataset.legendLayer),
          place: sheet.querySelector('.print-place').textContent,
          printed: window.__printed};
}"""
# what share of the map's width the scale bar's distance is, measured on the map itself
MAP_SHARE = f"""(label) => {{
  const map = {MAP};
  const [value, unit] = label.trim().split(' ');
  const metres = Number(value) * (unit === 'km' ? 1000 : 1);
  const c = map.getCanvas(), h = c.clientHeight / 2;
  return metres / map.unproject([0, h]).distanceTo(map.unproject([c.clientWidth, h]));
}}"""


@pytest.mark.browser
def test_the_printed_map_has_north_arrow_scale_legend_and_time(live_server, world, grid_cell):
    with chromium_page(viewport=(1600, 900)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/dash/onemap/", "county_a")
        page.wait_for_function(TILES_DRAWN, timeout=30_000)
        page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
        page.get_by_role("button", name="打印").click()
        page.wait_for_function("() => window.__printed === true", timeout=15_000)

        sheet = page.evaluate(SHEET)
        assert sheet["printed"] and sheet["image"] > 20_000  # the drawn canvas, not blank
        assert sheet["north"] == "北" and sheet["place"].endswith("甲县")
        assert "enterprises" in sheet["legend"]
        assert sheet["scale"].endswith((" km", " m"))
        map_share = page.evaluate(MAP_SHARE, sheet["scale"])  # while the map is on screen
        assert 0.08 <= map_share <= 0.2

        page.emulate_media(media="print")
        expect(page.locator(".print-sheet")).to_be_visible()
        expect(page.locator(".onemap")).to_be_hidden()
        printed = page.evaluate(SHEET)
        assert printed["share"] == pytest.approx(map_share, abs=0.01)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf = SCREENSHOTS / "onemap_print.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    info = dict(line.split(":", 1) for line in pages.splitlines() if ":" in line)
    assert info["Pages"].strip() == "1" and "(A4)" in info["Page size"]
    width, _, height = info["Page size"].split()[:3]
    assert float(width) > float(height)  # one A4 sheet, landscape
    for words in ("一张图", "北", printed["scale"].strip(), "打印时间", "企业"):
        assert words in text
