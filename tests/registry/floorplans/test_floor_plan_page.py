"""The floor plan pages: the map page (list and upload) and the georeferencing page,
through Django's client for scope and queries, and in a real browser (headless Debian
chromium against pytest-django's live_server): upload, drag a corner, submit, residuals
shown, the plan's tiles drawn on the page map (MapLibre over the caller's base style, the
picture in its own frame), no request leaving the machine. Saves
var/screenshots/floorplan.png and floorplan-map.png."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import rasterio
from django.contrib.gis.geos import LineString, MultiLineString
from django.test import Client
from playwright.sync_api import expect
from rasterio.io import MemoryFile

from registry.basemap.models import Road
from registry.floorplans.models import FloorPlan
from tests.browser import chromium_page, login, screenshot

WIDTH, HEIGHT = 480, 320
def tiles_drawn(source: str, element: str = "fp-map") -> str:
    """The page map has the plan's raster source and every tile of it in view loaded."""
    return f"""() => {{
      const map = window.SafeAtlas?.pageMaps?.["{element}"];
      return !!map && !!map.getSource("{source}") && map.isSourceLoaded("{source}")
        && map.loaded();
    }}"""


def _floorplan_tiles(browser) -> list[str]:
    return [url for url in browser.requested if "/tiles/floorplans/" in url]


def _drawing() -> bytes:
    """A plan-like PNG: white sheet, dark walls every 40 px, a red tank in the middle."""
    data = np.full((3, HEIGHT, WIDTH), 255, np.uint8)
    data[:, ::40, :] = data[:, :, ::40] = 40
    data[:, -4:, :] = data[:, :, -4:] = 40
    data[0, 120:200, 200:280], data[1:, 120:200, 200:280] = 220, 30
    with pytest.warns(rasterio.errors.NotGeoreferencedWarning), MemoryFile() as memory:
        with memory.open(driver="PNG", width=WIDTH, height=HEIGHT, count=3,
                         dtype="uint8") as dst:
            dst.write(data)
        return memory.read()


@pytest.fixture
def orm_in_browser_tests(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the test reads rows between
    browser steps, which Django otherwise refuses there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _logged_in(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _upload(client: Client, enterprise, name: str = "一号厂区") -> int:
    file = io.BytesIO(_drawing())
    file.name = "plan.png"
    response = client.post("/floorplans/", {"enterprise": enterprise.pk, "name": name,
                                            "file": file})
    assert response.status_code == 201
    return response.json()["id"]


def test_map_page_lists_the_callers_plans_in_few_queries(world, media,
                                                         django_assert_max_num_queries):
    county_a, county_b = _logged_in(world, "county_a"), _logged_in(world, "county_b")
    ids_a = [_upload(county_a, e, f"甲{i}") for i, e in enumerate(world.enterprises_a[:3])]
    id_b = _upload(county_b, world.enterprises_b[0], "乙0")
    with django_assert_max_num_queries(5):  # session, user, plans (with enterprise), choices
        page = county_a.get("/floorplans/")
    html = page.content.decode()
    assert page.status_code == 200 and "厂区平面图" in html
    assert [f'data-plan="{i}"' in html for i in ids_a] == [True] * 3
    assert f'data-plan="{id_b}"' not in html and "乙0" not in html
    # the upload form offers only the enterprises the caller may attach plans to
    enterprise_page = _logged_in(world, "enterprise").get("/floorplans/").content.decode()
    choices = re.search(r'<select name="enterprise".*?</select>', enterprise_page, re.S)[0]
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', choices) == [
        (str(world.enterprises_a[0].pk), world.enterprises_a[0].name)]



def test_readers_in_scope_get_no_upload_form(world, media):
    """The analyst reads the province's plans; the write gate refuses its uploads, so the
    page offers it no form (and no list of the province's enterprises)."""
    page = _logged_in(world, "analyst").get("/floorplans/").content.decode()
    assert 'id="fp-upload"' not in page
    assert 'id="fp-upload"' in _logged_in(world, "county_a").get("/floorplans/").content.decode()


def test_edit_page_and_image_are_scoped(world, media):
    plan_id = _upload(_logged_in(world, "enterprise"), world.enterprises_a[0])
    for name, status in [("enterprise", 200), ("county_a", 200), ("county_b", 404)]:
        client = _logged_in(world, name)
        assert client.get(f"/floorplans/{plan_id}/edit").status_code == status, name
        image = client.get(f"/floorplans/{plan_id}/image.png")
        assert image.status_code == status, name
    with MemoryFile(image_bytes := _logged_in(world, "county_a").get(
            f"/floorplans/{plan_id}/image.png").content) as memory, memory.open() as src:
        assert (src.width, src.height) == (WIDTH, HEIGHT) and image_bytes == _drawing()
    for url in ("/floorplans/", f"/floorplans/{plan_id}/edit", f"/floorplans/{plan_id}/image.png"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            "/accounts/login/?next="), url


def _tile_of(extent: list[float], z: int) -> tuple[int, int]:
    half = 20037508.342789244
    size = 2 * half / 2 ** z
    x, y = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    return int((x + half) // size), int((half - y) // size)


def _drag(page, locator, dx: float, dy: float) -> None:
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


BASE_DRAWN = """() => {
  const map = window.SafeAtlas.pageMaps["fp-map"];
  const names = (layer) => [...new Set(map.queryRenderedFeatures({layers: [layer]})
    .map((f) => f.properties.name))];
  return map.loaded() ? {roads: names("roads-line"), labels: names("roads-label")} : null;
}"""


@pytest.mark.browser
def test_upload_drag_corners_submit_and_see_the_placed_plan(live_server, world, media,
                                                               orm_in_browser_tests):
    ent = world.enterprises_a[0]
    x, y = ent.geom.x, ent.geom.y  # a road past the plant: the plan is placed on a real base
    Road.objects.create(name="滨江大道", kind="provincial", division_code=ent.division_code,
                        geom=MultiLineString(LineString((x - 0.01, y + 0.0004),
                                                        (x + 0.01, y + 0.0004))))
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/floorplans/", "enterprise")

        page.fill("#fp-name", "罐区平面图")
        page.set_input_files("#fp-file", {"name": "plan.png", "mimeType": "image/png",
                                          "buffer": _drawing()})
        page.click("#fp-upload-submit")
        page.wait_for_url(f"{live_server.url}/floorplans/*/edit")
        plan = FloorPlan.objects.get()
        assert (plan.name, plan.width, plan.height) == ("罐区平面图", WIDTH, HEIGHT)

        corners = page.locator("#fp-map .fp-corner")
        expect(corners).to_have_count(4)
        page.wait_for_function("() => document.querySelector('#fp-map').dataset.ready")
        # the picture is drawn in its frame, and its preview on the map
        page.wait_for_function(tiles_drawn("fp-picture", "fp-image"), timeout=15_000)
        page.wait_for_function(tiles_drawn("fp-preview"), timeout=15_000)
        base = page.wait_for_function(BASE_DRAWN, timeout=15_000).json_value()
        assert base == {"roads": ["滨江大道"], "labels": ["滨江大道"]}
        _drag(page, corners.nth(2), 120, 80)  # the bottom-right corner, off the rectangle
        page.click("#fp-submit")

        residuals = page.locator("#fp-points td.fp-residual")
        expect(residuals).to_have_count(4)
        expect(page.locator("#fp-rms")).to_contain_text("仿射变换 · RMS")
        plan.refresh_from_db()
        assert plan.fit_method == "affine" and len(plan.residuals_m) == 4
        assert plan.rms_m > 1.0  # a dragged corner is not affine any more
        expect(residuals).to_have_text([f"{r:.3f}" for r in plan.residuals_m])
        expect(page.locator("#fp-rms")).to_contain_text(f"{plan.rms_m:.3f}")

        # the map requests the plan's tiles, and a tile over the plan has its pixels
        page.wait_for_function(tiles_drawn("fp-plan"), timeout=15_000)
        assert _floorplan_tiles(browser)
        x, y = _tile_of(plan.extent, 18)
        tile = page.request.get(f"{live_server.url}/tiles/floorplans/{plan.pk}/18/{x}/{y}.png")
        assert tile.status == 200 and tile.headers["content-type"] == "image/png"
        with MemoryFile(tile.body()) as memory, memory.open() as src:
            rgba = src.read()
        assert rgba.shape == (4, 256, 256) and rgba[3].max() == 255

        screenshot(page, "floorplan")

        # the map page now shows the placed plan with its RMS
        page.goto(f"{live_server.url}/floorplans/")
        expect(page.locator(f'tr[data-plan="{plan.pk}"]')).to_contain_text(
            f"{plan.rms_m:.2f}")
        page.wait_for_function(tiles_drawn(f"fp-{plan.pk}", "fp-overview"), timeout=15_000)
        names = page.evaluate("""() => window.SafeAtlas.pageMaps["fp-overview"]
          .queryRenderedFeatures({layers: ["fp-boxes-label"]}).map((f) => f.properties.name)""")
        assert names == [f"罐区平面图 · {plan.enterprise.name}"]  # once, at its middle
        screenshot(page, "floorplan-map")
    assert browser.outside == []


@pytest.mark.browser
def test_point_pairs_with_too_few_points_for_polynomial_say_so(live_server, world, media,
                                                               orm_in_browser_tests):
    plan_id = _upload(_logged_in(world, "enterprise"), world.enterprises_a[0])
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/floorplans/{plan_id}/edit", "enterprise")
        page.check("input[name=mode][value=points]")
        image, geo = page.locator("#fp-image"), page.locator("#fp-map")
        for i, (fx, fy) in enumerate([(0.2, 0.2), (0.8, 0.25), (0.3, 0.8)]):
            image.click(position=_at(image, fx, fy))
            geo.click(position=_at(geo, fx, fy))
            expect(page.locator("#fp-points tbody tr")).to_have_count(i + 1)
        page.select_option("#fp-method", "polynomial")
        page.click("#fp-submit")
        expect(page.locator("#fp-error")).to_have_text("二次多项式至少需要 6 个控制点")
        page.select_option("#fp-method", "affine")
        page.click("#fp-submit")
        expect(page.locator("#fp-rms")).to_have_text("仿射变换 · RMS 0.000 米")
        expect(page.locator("#fp-error")).to_have_text("")
        plan = FloorPlan.objects.get(pk=plan_id)
        assert len(plan.control_points) == 3 and plan.fit_method == "affine"
        assert plan.residuals_m == [pytest.approx(0.0, abs=1e-3)] * 3  # three points: exact
        expect(page.locator("#fp-points td.fp-residual")).to_have_text(["0.000"] * 3)
        page.wait_for_function(tiles_drawn("fp-plan"), timeout=15_000)
        screenshot(page, "floorplan-points")
    assert browser.outside == []


def _at(locator, fx: float, fy: float) -> dict:
    box = locator.bounding_box()
    return {"x": box["width"] * fx, "y": box["height"] * fy}
