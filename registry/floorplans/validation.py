"""Upload checks for floor plans, all done before anything is written: type by content,
byte size, pixel count from the header (so a decompression bomb is refused before it is
decoded), then a full decode to catch corrupt files. A PDF's first page is rendered to a
PNG here, and that PNG is what the rest of the pipeline sees."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.io import MemoryFile

from geo.uploads import JPEG, PDF, PNG, TIFF, upload_read, upload_type
from registry.floorplans.pdf import DEFAULT_DPI, pdf_first_page
from registry.floorplans.raster import encode_png

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000

# upload type → GDAL driver
_DRIVERS = {PNG: "PNG", JPEG: "JPEG", TIFF: "GTiff", PDF: "PDF"}

_TRAILERS = {"PNG": b"IEND\xaeB`\x82", "JPEG": b"\xff\xd9"}


@dataclass(frozen=True)
class CheckedImage:
    media_type: str  # of the upload; a PDF's stored image is its first page as PNG
    suffix: str
    width: int
    height: int
    data: bytes


def floor_plan_check(file) -> CheckedImage:
    """Validate an uploaded file; returns its bytes and size or raises ValidationError."""
    data = upload_read(file, max_bytes=getattr(settings, "FLOORPLAN_MAX_BYTES",
                                               DEFAULT_MAX_BYTES))
    kind = upload_type(data, tuple(_DRIVERS), names=_("PNG、JPEG、GeoTIFF 图像或 PDF"))
    if kind == PDF:
        return _checked_pdf(data)  # stored as its first page's PNG
    driver = _DRIVERS[kind]
    _check_trailer(data, driver)
    width, height = _checked_header(data, driver)
    return CheckedImage(kind.media_type, kind.suffix, width, height, data)


def _checked_pdf(data: bytes) -> CheckedImage:
    max_pixels = getattr(settings, "FLOORPLAN_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    dpi = getattr(settings, "FLOORPLAN_PDF_DPI", DEFAULT_DPI)
    rgb = pdf_first_page(data, dpi=dpi, max_pixels=max_pixels)
    return CheckedImage("application/pdf", ".png", rgb.shape[2], rgb.shape[1], encode_png(rgb))


def _check_trailer(data: bytes, driver: str) -> None:
    """GDAL decodes a truncated PNG or JPEG without an error (it fills the missing rows),
    so a missing end marker is how truncation shows."""
    trailer = _TRAILERS.get(driver)
    if trailer and not data.rstrip(b"\x00").endswith(trailer):
        raise ValidationError(_("文件已损坏或无法读取：文件不完整（缺少结束标记）"),
                              code="corrupt")


def _checked_header(data: bytes, driver: str) -> tuple[int, int]:
    max_pixels = getattr(settings, "FLOORPLAN_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)  # plain images have no CRS
            return _decoded_size(data, driver, max_pixels)
    except (RasterioError, ValueError) as error:
        raise ValidationError(_("文件已损坏或无法读取：%(error)s") % {"error": error},
                              code="corrupt") from None


def _decoded_size(data: bytes, driver: str, max_pixels: int) -> tuple[int, int]:
    with MemoryFile(data) as memory, memory.open(driver=driver) as src:
        # GDAL reads only the header on open: the pixel check runs before any decode
        if src.width * src.height > max_pixels:
            raise ValidationError(
                _("图像像素过多：%(w)d×%(h)d，上限为 %(max)d 像素")
                % {"w": src.width, "h": src.height, "max": max_pixels}, code="pixels")
        src.read()  # decode every pixel, so damaged compressed data surfaces as an error here
        return src.width, src.height
