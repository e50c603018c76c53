"""The risk cloud map's raster tiles (风险态势云图, ADR 0027) through /tiles: a worked
example of the surface's pixels, days that differ, the caller's scope on every tile, the
cache per (day, scope) and its version."""

from __future__ import annotations

import io
import math
from datetime import UTC, date, datetime

import numpy as np
import pytest
from PIL import Image

from layers.rasters import tile_bounds
from monitoring.risk.cloud import SIGMA_M, forget_points
from monitoring.risk.cloud_tiles import tile_url_template
from monitoring.risk.models import EnterpriseRisk
from tests.dashboards.conftest import logged_in
from tests.tiles.conftest import tile_of

DAY, BEFORE = date(2026, 12, 2), date(2026, 12, 1)
R = 6378137.0
Z = 12


def score(ent, day: date, value: float, *, hour: int = 2) -> EnterpriseRisk:
    level = 1 if value >= 70 else 2 if value >= 50 else 3 if value >= 30 else 4
    terms = dict.fromkeys(["static_term", "alarm_term", "warning_term", "handling_term",
                           "commitment_term", "online_term"], 0.0)
    row, _ = EnterpriseRisk.objects.update_or_create(
        enterprise=ent, day=day, defaults=dict(
            name=ent.name, industry=ent.industry, as_of=datetime(2026, 12, day.day, hour,
                                                                 tzinfo=UTC),
            current=day == DAY, score=value, level=level, model_version="risk-1.2",
            division_code=ent.division_code, organisation=ent.organisation, geom=ent.geom,
            **terms))
    return row


@pytest.fixture
def arranged(world):
    """A1 80 and A2 20 in county A, B11 60 in county B on DAY; A1 only 10 the day before."""
    a1, a2, b11 = world.enterprises_a[0], world.enterprises_a[1], world.enterprises_b[0]
    score(a1, DAY, 80.0)
    score(a2, DAY, 20.0)
    score(b11, DAY, 60.0)
    score(a1, BEFORE, 10.0)
    return world


# the ramp of ADR 0027: score-unit stops -> RGBA (blue, yellow, orange, red of the reference)
STOPS = [0, 10, 30, 50, 70]
COLOURS = [(30, 144, 255, 0), (30, 144, 255, 140), (255, 215, 0, 170), (255, 140, 0, 195),
           (255, 0, 0, 215)]


def ramp(d: float) -> tuple[int, ...]:
    return tuple(round(float(np.interp(d, STOPS, [c[i] for c in COLOURS]))) for i in range(4))


def url(day: date, z: int, x: int, y: int) -> str:
    return tile_url_template(day).format(z=z, x=x, y=y)


def rgba(response) -> np.ndarray:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))


def mercator(lon: float, lat: float) -> tuple[float, float]:
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def pixel_of(lon: float, lat: float, z: int, x: int, y: int) -> tuple[int, int]:
    """(row, column) of the point in the 256×256 tile."""
    minx, _miny, maxx, maxy = tile_bounds(z, x, y)
    mx, my = mercator(lon, lat)
    step = (maxx - minx) / 256
    return int((maxy - my) / step), int((mx - minx) / step)


def expected_d(enterprises_scores, lon: float, lat: float) -> float:
    """The surface by its definition: Σ score·exp(-d²/2σ²), σ = 3 km / cos(latitude)."""
    mx, my = mercator(lon, lat)
    total = 0.0
    for ent, value in enterprises_scores:
        ex, ey = mercator(ent.geom.x, ent.geom.y)
        sigma = SIGMA_M / math.cos(math.radians(ent.geom.y))
        total += value * math.exp(-((mx - ex) ** 2 + (my - ey) ** 2) / (2 * sigma ** 2))
    return total


def test_the_surface_is_its_scores_kernel_density_pixel_by_pixel(arranged):
    a1, a2 = arranged.enterprises_a[0], arranged.enterprises_a[1]
    client = logged_in(arranged.users["province"])
    z, x, y = tile_of(a1.geom.x, a1.geom.y, Z)
    pixels = rgba(client.get(url(DAY, z, x, y)))
    row, col = pixel_of(a1.geom.x, a1.geom.y, z, x, y)
    # over A1 (80, plus A2's tail 5.2 km away) the surface passes the red band: red, 215
    assert tuple(pixels[row, col]) == (255, 0, 0, 215)
    # the worked example: 3 km (1σ) north of A1 the surface is 80·e^-½ ≈ 48.5 plus A2's
    # tail from 4.8 km (≈ 5.6): between orange (50) and red (70)
    lat = a1.geom.y + math.degrees(3000 / R)
    assert 53 < expected_d([(a1, 80.0), (a2, 20.0)], a1.geom.x, lat) < 55
    r, c = pixel_of(a1.geom.x, lat, z, x, y)
    assert r >= 0 and c == col  # in the same tile, straight above A1
    minx, _, maxx, maxy = tile_bounds(z, x, y)
    step = (maxx - minx) / 256
    centre_x, centre_y = minx + (c + 0.5) * step, maxy - (r + 0.5) * step  # the pixel's centre
    d = expected_d([(a1, 80.0), (a2, 20.0)], math.degrees(centre_x / R),
                   math.degrees(2 * math.atan(math.exp(centre_y / R)) - math.pi / 2))
    # (the tile's palette holds 256 levels of the ramp: within 3 of its exact colour)
    assert tuple(pixels[r, c]) == pytest.approx(ramp(d), abs=3)
    # higher near high scores: along the column north of A1 the alpha only falls
    alphas = pixels[r:row + 1, col, 3].astype(int)[::-1]
    assert alphas[0] == 215 and alphas[-1] < 200 and (np.diff(alphas) <= 0).all()


def test_days_differ(arranged):
    a1 = arranged.enterprises_a[0]
    client = logged_in(arranged.users["province"])
    z, x, y = tile_of(a1.geom.x, a1.geom.y, Z)
    row, col = pixel_of(a1.geom.x, a1.geom.y, z, x, y)
    today, before = (rgba(client.get(url(day, z, x, y))) for day in (DAY, BEFORE))
    assert tuple(today[row, col]) == (255, 0, 0, 215)
    # the day before A1 scored 10 and A2 nothing: blue at A1 (D = 10 → 140 alpha)
    assert tuple(before[row, col]) == pytest.approx((30, 144, 255, 140), abs=3)
    assert client.get(url(date(2026, 11, 30), z, x, y)).status_code == 204  # no rows


def test_a_county_user_learns_nothing_of_another_county(arranged):
    a1, b11 = arranged.enterprises_a[0], arranged.enterprises_b[0]
    over_a = tile_of(a1.geom.x, a1.geom.y, Z)
    over_b = tile_of(b11.geom.x, b11.geom.y, Z)
    province = logged_in(arranged.users["province"])
    # the province draws both first, so a cache keyed without the scope would leak them
    assert rgba(province.get(url(DAY, *over_a)))[..., 3].max() == 215
    assert rgba(province.get(url(DAY, *over_b)))[..., 3].max() > 0
    county_b = logged_in(arranged.users["county_b"])
    assert county_b.get(url(DAY, *over_a)).status_code == 204
    assert rgba(county_b.get(url(DAY, *over_b)))[..., 3].max() > 0
    county_a = logged_in(arranged.users["county_a"])
    assert county_a.get(url(DAY, *over_b)).status_code == 204
    # an enterprise user's cloud is its own plant's (A1), not its neighbour A2's
    ent = logged_in(arranged.users["enterprise"])
    a2 = arranged.enterprises_a[1]
    both = tile_of(a1.geom.x, a1.geom.y, 10)  # A1 and A2 (5 km apart) in one tile
    mine, ours = (rgba(c.get(url(DAY, *both))) for c in (ent, province))
    row, col = pixel_of(a2.geom.x, a2.geom.y, *both)
    assert mine[row, col, 3] < ours[row, col, 3]
    assert (mine[..., 3] <= ours[..., 3]).all()


def test_refusals(arranged):
    a1 = arranged.enterprises_a[0]
    tile = tile_of(a1.geom.x, a1.geom.y, Z)
    from django.test import Client

    assert Client().get(url(DAY, *tile)).status_code == 401
    province = logged_in(arranged.users["province"])
    assert province.get("/tiles/risk_cloud/20261340/12/0/0.png").status_code == 404
    assert province.get(url(DAY, 12, 0, 0)).status_code == 204  # far from every enterprise


def test_a_new_run_of_the_day_is_a_new_version(arranged):
    a1 = arranged.enterprises_a[0]
    client = logged_in(arranged.users["province"])
    tile = tile_of(a1.geom.x, a1.geom.y, Z)
    row, col = pixel_of(a1.geom.x, a1.geom.y, *tile)
    first = client.get(url(DAY, *tile))
    assert client.get(url(DAY, *tile), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    score(a1, DAY, 40.0, hour=3)  # the next run: A1 down to yellow
    forget_points()  # as STATE_SECONDS later
    second = client.get(url(DAY, *tile))
    assert second["ETag"] != first["ETag"]
    r, g, b, a = (int(v) for v in rgba(second)[row, col])  # 40 + A2's 4.4: yellow-orange
    assert (r, b) == (255, 0) and 140 < g < 215 and a < 195
    # and an edit within the same run (same as_of) still changes the picture
    score(a1, DAY, 90.0, hour=3)
    forget_points()
    assert tuple(rgba(client.get(url(DAY, *tile)))[row, col]) == (255, 0, 0, 215)


def test_the_tile_cache_keeps_scopes_apart_even_at_one_version(db):
    """Versions of two scopes can coincide (the same run, a fingerprint collision): the
    scope key alone must still keep one caller's picture from another."""
    from layers.rasters import RasterItem
    from tiles.rasters import raster_tile_get

    box = tile_bounds(12, 3392, 1661)
    mine = RasterItem(7, box, lambda _b: b"mine", scope_key="p320101")
    theirs = RasterItem(7, box, lambda _b: b"theirs", scope_key="p320102")
    assert raster_tile_get("risk_cloud", 20261202, mine, 12, 3392, 1661).body == b"mine"
    assert raster_tile_get("risk_cloud", 20261202, theirs, 12, 3392, 1661).body == b"theirs"
