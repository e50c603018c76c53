"""Floor plans (厂区平面图): upload checks, control-point fit, COG, tiles, scope."""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np
import pytest
import rasterio
from django.test import Client
from rasterio.io import MemoryFile
from rasterio.warp import transform as warp_transform

from registry.floorplans.models import FloorPlan
from registry.floorplans.raster import TILE_SIZE

ORIGIN_LON, ORIGIN_LAT = 118.2, 32.2   # inside county A
PIXEL_M = 0.5                           # EPSG:3857 metres per pixel of the test plans
WIDTH, HEIGHT = 600, 400
FILL = (200, 40, 10)


def _image(driver: str, width: int = WIDTH, height: int = HEIGHT, noise: bool = False,
           **extra) -> bytes:
    data = np.empty((3, height, width), np.uint8)
    for band, value in enumerate(FILL):
        data[band] = value
    if noise:
        data = np.random.default_rng(1).integers(0, 256, data.shape, dtype=np.uint8)
    with MemoryFile() as memory:
        with memory.open(driver=driver, width=width, height=height, count=3, dtype="uint8",
                         **extra) as dst:
            dst.write(data)
        return memory.read()


def _png(**kwargs) -> bytes:
    with pytest.warns(rasterio.errors.NotGeoreferencedWarning):
        return _image("PNG", **kwargs)


def _bomb() -> bytes:
    """A real tiny PNG whose header claims 100000×100000 pixels (with a valid CRC)."""
    png = bytearray(_png(width=8, height=8))
    png[16:24] = struct.pack(">II", 100_000, 100_000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


def _client(world, name: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {world.tokens[name]}")


def _upload(client: Client, enterprise, data: bytes, filename: str = "plan.png"):
    file = io.BytesIO(data)
    file.name = filename
    return client.post("/floorplans/", {"enterprise": enterprise.pk, "name": "一号厂区",
                                        "file": file})


def _origin_3857() -> tuple[float, float]:
    xs, ys = warp_transform("EPSG:4326", "EPSG:3857", [ORIGIN_LON], [ORIGIN_LAT])
    return xs[0], ys[0]


def _points(pixels: list[tuple[float, float]], shift_x: dict[int, float] | None = None):
    """Control points for a north-up plan at PIXEL_M m/px with its top-left at the origin;
    `shift_x` moves chosen points east by that many EPSG:3857 metres."""
    x0, y0 = _origin_3857()
    xs = [x0 + col * PIXEL_M + (shift_x or {}).get(i, 0.0) for i, (col, _r) in enumerate(pixels)]
    ys = [y0 - row * PIXEL_M for _c, row in pixels]
    lons, lats = warp_transform("EPSG:3857", "EPSG:4326", xs, ys)
    return [{"col": c, "row": r, "lon": lon, "lat": lat}
            for (c, r), lon, lat in zip(pixels, lons, lats, strict=True)]


def _georeference(client: Client, plan_id: int, points):
    return client.post(f"/floorplans/{plan_id}/control-points", {"control_points": points},
                       content_type="application/json")


def _tile_of(x: float, y: float, z: int) -> tuple[int, int]:
    half = 20037508.342789244
    size = 2 * half / 2 ** z
    return int((x + half) // size), int((half - y) // size)


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def placed(world, media):
    """A PNG plan of the enterprise user's enterprise, georeferenced by three exact points."""
    client = _client(world, "enterprise")
    response = _upload(client, world.enterprises_a[0], _png())
    assert response.status_code == 201
    plan_id = response.json()["id"]
    response = _georeference(client, plan_id, _points([(0, 0), (WIDTH, 0), (0, HEIGHT)]))
    assert response.status_code == 200
    return plan_id, response.json()


def test_three_exact_points_fit_with_zero_residuals(world, placed):
    plan_id, body = placed
    assert body["width"] == WIDTH and body["height"] == HEIGHT
    assert body["media_type"] == "image/png"
    assert body["residuals_m"] == [pytest.approx(0.0, abs=1e-3)] * 3
    a, b, c, d, e, f = body["transform"]
    x0, y0 = _origin_3857()
    assert (a, b, c, d, e, f) == pytest.approx((PIXEL_M, 0, x0, 0, -PIXEL_M, y0), abs=1e-4)
    assert body["tiles"] == f"/tiles/floorplans/{plan_id}/{{z}}/{{x}}/{{y}}.png"


def test_upload_and_fit_are_audited_with_the_user(world, placed):
    from geo.models import AuditEntry

    plan_id, _body = placed
    entries = list(AuditEntry.objects.filter(model="registry.floorplan", object_pk=str(plan_id))
                   .order_by("at", "id"))
    assert entries[0].action == "create" and entries[0].user == world.users["enterprise"]
    assert entries[0].changes["original"][1]  # the stored path, not the file
    fitted = [e for e in entries if e.action == "update" and "transform" in e.changes]
    assert fitted and fitted[-1].user == world.users["enterprise"]


def test_four_points_one_off_give_least_squares_residuals(world, media):
    client = _client(world, "enterprise")
    plan_id = _upload(client, world.enterprises_a[0], _png()).json()["id"]
    # the fourth corner 8 ground metres east: for a rectangle of points the misfit
    # spreads evenly, a quarter of it on each point
    shift = 8.0 / math.cos(math.radians(ORIGIN_LAT))
    points = _points([(0, 0), (WIDTH, 0), (0, HEIGHT), (WIDTH, HEIGHT)], shift_x={3: shift})
    body = _georeference(client, plan_id, points).json()
    assert body["residuals_m"] == [pytest.approx(2.0, abs=0.005)] * 4
    assert FloorPlan.objects.get(pk=plan_id).residuals_m == body["residuals_m"]


def test_cog_is_valid(world, placed):
    plan = FloorPlan.objects.get(pk=placed[0])
    with rasterio.open(plan.cog.path) as src:
        assert src.driver == "GTiff"
        assert src.crs.to_epsg() == 3857
        assert src.count == 4 and src.dtypes == ("uint8",) * 4
        assert src.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert src.block_shapes == [(256, 256)] * 4
        assert src.overviews(1) == [2, 4]  # until smaller than a block
        assert tuple(src.read(window=((10, 11), (10, 11)))[:, 0, 0]) == (*FILL, 255)


def test_tile_over_plan_has_pixels_and_far_tile_is_empty(world, placed):
    plan_id, _body = placed
    client = _client(world, "county_a")
    x0, y0 = _origin_3857()
    x, y = _tile_of(x0 + WIDTH * PIXEL_M / 2, y0 - HEIGHT * PIXEL_M / 2, 18)
    response = client.get(f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    with MemoryFile(response.content) as memory, memory.open() as tile:
        rgba = tile.read()
    assert rgba.shape == (4, TILE_SIZE, TILE_SIZE)
    assert tuple(rgba[:, 128, 128]) == (*FILL, 255)
    assert client.get(f"/tiles/floorplans/{plan_id}/18/{x + 50}/{y}.png").status_code == 204
    # a tile whose box reaches past the plan edge: transparent outside, opaque inside
    x_edge, y_edge = _tile_of(x0, y0, 18)
    with MemoryFile(client.get(f"/tiles/floorplans/{plan_id}/18/{x_edge}/{y_edge}.png").content) \
            as memory, memory.open() as tile:
        alpha = tile.read(4)
    assert alpha.min() == 0 and alpha.max() == 255


def test_scope_of_metadata_and_tiles(world, placed):
    plan_id, _body = placed
    x, y = _tile_of(*_origin_3857(), 18)
    for name, status in [("county_a", 200), ("province", 200), ("admin", 200),
                         ("enterprise", 200), ("county_b", 404)]:
        client = _client(world, name)
        assert client.get(f"/floorplans/{plan_id}").status_code == status, name
        tile_status = client.get(f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png").status_code
        assert tile_status == status, name
    assert Client().get(f"/floorplans/{plan_id}").status_code == 401
    points = _points([(0, 0), (1, 0), (0, 1)])
    assert _georeference(_client(world, "county_b"), plan_id, points).status_code == 404


def test_enterprise_user_uploads_only_for_its_own_enterprise(world, media):
    client = _client(world, "enterprise")
    assert _upload(client, world.enterprises_b[0], _png()).status_code == 404
    assert _upload(client, world.enterprises_a[1], _png()).status_code == 404
    assert FloorPlan.objects.count() == 0 and _stored_files(media) == []


def test_jpeg_and_geotiff_are_accepted(world, media):
    client = _client(world, "county_a")
    with pytest.warns(rasterio.errors.NotGeoreferencedWarning):
        jpeg = _image("JPEG", width=64, height=32)
    tiff = _image("GTiff", width=64, height=32, crs="EPSG:4326",
                  transform=rasterio.transform.from_origin(118.2, 32.2, 1e-5, 1e-5))
    bodies = [_upload(client, world.enterprises_a[2], data, name).json()
              for data, name in [(jpeg, "plan.dat"), (tiff, "plan.bin")]]
    assert [(b["media_type"], b["width"], b["height"]) for b in bodies] == [
        ("image/jpeg", 64, 32), ("image/tiff", 64, 32)]
    assert sorted(p.name for p in _stored_files(media)) == ["original.jpg", "original.tif"]


@pytest.mark.parametrize("case, message", [
    ("text", "不支持的文件类型：仅接受 PNG、JPEG、GeoTIFF 图像或 PDF"),
    ("bomb", "图像像素过多：100000×100000，上限为 50000000 像素"),
    ("large", "文件过大：上限为 0.0 MB"),
    ("corrupt", "文件已损坏或无法读取"),
])
def test_rejected_uploads_store_nothing(world, media, settings, case, message):
    if case == "large":
        settings.FLOORPLAN_MAX_BYTES = 1000
    data = {"text": "这不是图片 not an image\n".encode() * 10, "bomb": _bomb(),
            "large": _png(noise=True, width=64, height=64),
            "corrupt": _png(noise=True, width=64, height=64)[:6000]}[case]
    response = _upload(_client(world, "county_a"), world.enterprises_a[0], data)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert FloorPlan.objects.count() == 0
    assert _stored_files(media) == []


def test_control_points_are_checked(world, placed):
    plan_id, _body = placed
    client = _client(world, "enterprise")
    response = _georeference(client, plan_id, _points([(0, 0), (1, 0)]))
    assert (response.status_code, response.json()) == (
        400, {"error": "仿射变换至少需要 3 个控制点"})
    response = _georeference(client, plan_id, _points([(0, 0), (1, 1), (2, 2)]))
    assert response.json() == {"error": "控制点共线，无法确定仿射变换"}


# ---- PDF first page -------------------------------------------------------------------

def _pdf(*, width_pt: float = 200, height_pt: float = 100, pages: int = 1,
         trailer: bytes = b"") -> bytes:
    """A small PDF written by hand: a red square over the left half of a white page."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    content = b"1 0 0 rg 0 0 %g %g re f" % (width_pt / 2, height_pt)
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R >>"
                       % (width_pt, height_pt, 4 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


_ENCRYPTED = (b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <"
              + b"22" * 32 + b"> /P -4 >> /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] ")


def test_pdf_first_page_is_rendered_at_150_dpi(world, media):
    client = _client(world, "enterprise")
    body = _upload(client, world.enterprises_a[0], _pdf(pages=2), "plan.pdf").json()
    # 200 × 100 pt at 150 dpi, each side rounded up by PDFium
    assert (body["media_type"], body["width"], body["height"]) == ("application/pdf", 417, 209)
    plan = FloorPlan.objects.get(pk=body["id"])
    assert plan.original.name.endswith("/original.png")
    with plan.original.open("rb") as stored, MemoryFile(stored.read()) as memory, \
            memory.open() as image:
        rgb = image.read()
    assert tuple(rgb[:, 100, 50]) == (255, 0, 0) and tuple(rgb[:, 100, 400]) == (255, 255, 255)
    # and it georeferences like any image
    points = _points([(0, 0), (417, 0), (0, 209)])
    assert _georeference(client, body["id"], points).json()["rms_m"] == pytest.approx(0, abs=1e-3)


def test_huge_pdf_page_is_rendered_within_the_pixel_limit(world, media, settings):
    settings.FLOORPLAN_MAX_PIXELS = 20_000
    # 14400 pt square (the PDF maximum, 5 m): at 150 dpi it would be 900 MP
    body = _upload(_client(world, "county_a"), world.enterprises_a[0],
                   _pdf(width_pt=14400, height_pt=14400), "big.pdf").json()
    assert (body["width"], body["height"]) == (141, 141)  # 141² ≤ 20000 < 142²


@pytest.mark.parametrize("case, message", [
    ("corrupt", "文件已损坏或无法读取：PDF 无法打开（已损坏或没有页面）"),
    ("encrypted", "PDF 文件已加密，请上传未加密的文件"),
    ("empty", "文件已损坏或无法读取：PDF 无法打开（已损坏或没有页面）"),
])
def test_bad_pdfs_are_refused_and_store_nothing(world, media, case, message):
    data = {"corrupt": _pdf()[:150], "encrypted": _pdf(trailer=_ENCRYPTED),
            "empty": _pdf(pages=0)}[case]
    response = _upload(_client(world, "county_a"), world.enterprises_a[0], data, "x.pdf")
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert FloorPlan.objects.count() == 0 and _stored_files(media) == []


# ---- polynomial fit ---------------------------------------------------------------------

# pixel → EPSG:3857 offsets from the origin: a known second-order polynomial (a bent plan)
def _bent(col, row):
    return (PIXEL_M * col + 2e-5 * col * row, -PIXEL_M * row + 3e-5 * col * col)


SEVEN = [(0, 0), (WIDTH, 0), (0, HEIGHT), (WIDTH, HEIGHT), (300, 200), (150, 320), (450, 90)]


def _bent_points(pixels):
    x0, y0 = _origin_3857()
    offsets = [_bent(c, r) for c, r in pixels]
    lons, lats = warp_transform("EPSG:3857", "EPSG:4326", [x0 + dx for dx, _ in offsets],
                                [y0 + dy for _, dy in offsets])
    return [{"col": c, "row": r, "lon": lon, "lat": lat}
            for (c, r), lon, lat in zip(pixels, lons, lats, strict=True)]


def test_polynomial_fits_a_bent_plan_exactly_and_affine_does_not(world, media):
    client = _client(world, "enterprise")
    plan_id = _upload(client, world.enterprises_a[0], _png()).json()["id"]
    points = _bent_points(SEVEN)
    affine = _georeference(client, plan_id, points).json()
    assert affine["method"] == "affine" and len(affine["transform"]) == 6
    assert min(affine["residuals_m"]) > 0.1 and affine["rms_m"] > 1.0
    body = client.post(f"/floorplans/{plan_id}/control-points",
                       {"control_points": points, "method": "polynomial"},
                       content_type="application/json").json()
    assert body["method"] == "polynomial" and len(body["transform"]) == 12
    assert body["residuals_m"] == [pytest.approx(0.0, abs=1e-3)] * 7
    assert body["rms_m"] == pytest.approx(0.0, abs=1e-3)
    x0, y0 = _origin_3857()
    assert body["transform"][:6] == pytest.approx([x0, PIXEL_M, 0, 0, 2e-5, 0], abs=1e-6)
    # the warped COG is north-up and a pixel lands where the polynomial puts it
    plan = FloorPlan.objects.get(pk=plan_id)
    assert (plan.fit_method, plan.rms_m) == ("polynomial", body["rms_m"])
    with rasterio.open(plan.cog.path) as src:
        assert src.transform.b == 0 and src.transform.d == 0
        dx, dy = _bent(300, 200)
        row, col = src.index(x0 + dx, y0 + dy)
        assert tuple(src.read(window=((row, row + 1), (col, col + 1)))[:, 0, 0]) == (*FILL, 255)


def test_polynomial_that_would_spread_the_plan_too_far_is_refused(world, media, settings):
    client = _client(world, "enterprise")
    plan_id = _upload(client, world.enterprises_a[0], _png()).json()["id"]
    settings.FLOORPLAN_MAX_PIXELS = 100_000  # the warped 600×400 plan may take 200 000
    response = client.post(f"/floorplans/{plan_id}/control-points",
                           {"control_points": _bent_points(SEVEN), "method": "polynomial"},
                           content_type="application/json")
    assert response.json() == {"error": "二次多项式变换结果过度拉伸，请检查控制点"}
    plan = FloorPlan.objects.get(pk=plan_id)
    assert (plan.cog.name, plan.transform, plan.control_points) == ("", None, [])
    assert [p.name for p in _stored_files(media)] == ["original.png"]


def test_polynomial_needs_six_points_and_method_is_checked(world, placed):
    plan_id, _body = placed
    client = _client(world, "enterprise")
    response = client.post(f"/floorplans/{plan_id}/control-points",
                           {"control_points": _bent_points(SEVEN[:5]), "method": "polynomial"},
                           content_type="application/json")
    assert response.json() == {"error": "二次多项式至少需要 6 个控制点"}
    response = client.post(f"/floorplans/{plan_id}/control-points",
                           {"control_points": _bent_points(SEVEN), "method": "spline"},
                           content_type="application/json")
    assert response.json() == {"error": "未知的校正方法：spline（可选 affine、polynomial）"}


# ---- tiles moved to tiles/ ------------------------------------------------------------------

def test_old_tile_url_redirects_and_tiles_are_cached_per_version(world, placed, settings):
    plan_id, _body = placed
    client = _client(world, "enterprise")
    x, y = _tile_of(*_origin_3857(), 18)
    old = client.get(f"/floorplans/{plan_id}/18/{x}/{y}.png?token=abc")
    assert (old.status_code, old["Location"]) == (
        301, f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png?token=abc")
    first = client.get(f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png")
    cached = sorted(p.relative_to(settings.TILE_CACHE_DIR).as_posix()
                    for p in _stored_files(settings.TILE_CACHE_DIR))
    version = int(FloorPlan.objects.get(pk=plan_id).updated.timestamp() * 1_000_000)
    assert cached == [f"floorplans+{plan_id}/any/18/{x}/{y}.{version}.png"]  # ADR 0019
    again = client.get(f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png",
                       HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert Client().get(f"/tiles/floorplans/{plan_id}/18/{x}/{y}.png").status_code == 401
    assert client.get(f"/tiles/nosuch/{plan_id}/18/{x}/{y}.png").status_code == 404


def test_readers_in_scope_may_not_upload_or_georeference(world, media, placed):
    """Floor plans were the one write with no gate but the read scope: an analyst saw the
    plans of its province and could upload and move them. Writes ask geo.authority now."""
    plan_id, _body = placed
    analyst = _client(world, "analyst")
    assert analyst.get(f"/floorplans/{plan_id}").status_code == 200  # still reads
    response = _upload(analyst, world.enterprises_a[0], _png())
    assert (response.status_code, response.json()) == (
        403, {"error": "只有企业本身或其监管部门可以上传和配准平面图"})
    points = _points([(0, 0), (1, 0), (0, 1)])
    assert _georeference(analyst, plan_id, points).status_code == 403
    assert FloorPlan.objects.count() == 1
