"""A PDF floor plan's first page as a PNG (pypdfium2), sized from the page box before
anything is rendered, so a huge page cannot exhaust memory."""

from __future__ import annotations

import math

import numpy as np
import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_DPI = 150  # sharp enough to place points on a drawing, small enough for A1 sheets
_POINTS_PER_INCH = 72.0


def pdf_render_scale(width_pt: float, height_pt: float, *, dpi: float, max_pixels: int
                     ) -> float:
    """Pixels per PDF point: `dpi`, lowered so the page stays within `max_pixels`.
    PDFium rounds each side up, so the limit holds for (w·s + 1)(h·s + 1)."""
    scale = dpi / _POINTS_PER_INCH
    area, perimeter = width_pt * height_pt, width_pt + height_pt
    if (width_pt * scale + 1) * (height_pt * scale + 1) > max_pixels:
        # the positive root of area·s² + perimeter·s + 1 − max_pixels = 0
        scale = (math.sqrt(perimeter ** 2 - 4 * area * (1 - max_pixels)) - perimeter) / (2 * area)
    return scale


def pdf_first_page(data: bytes, *, dpi: float, max_pixels: int) -> np.ndarray:
    """The first page as a (3, h, w) RGB array, or ValidationError naming the problem."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        # PDFium's error code can be left over from an earlier document on the thread, and
        # a document with no pages fails with "success": judge by the bytes instead
        if b"/Encrypt" in data:
            raise ValidationError(_("PDF 文件已加密，请上传未加密的文件"),
                                  code="encrypted") from None
        raise ValidationError(_("文件已损坏或无法读取：PDF 无法打开（已损坏或没有页面）"),
                              code="corrupt") from None
    try:
        if len(document) == 0:
            raise ValidationError(_("PDF 文件没有页面"), code="empty")
        page = document[0]
        width_pt, height_pt = page.get_size()
        if width_pt < 1 or height_pt < 1:
            raise ValidationError(_("PDF 第一页尺寸无效"), code="corrupt")
        scale = pdf_render_scale(width_pt, height_pt, dpi=dpi, max_pixels=max_pixels)
        try:
            bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB, not PDFium's BGR
        except pdfium.PdfiumError as error:
            raise ValidationError(_("文件已损坏或无法读取：%(error)s") % {"error": error},
                                  code="corrupt") from None
        rgb = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
    finally:
        document.close()
    return np.moveaxis(rgb, -1, 0)
