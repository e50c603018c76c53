"""Upload checks for plan attachments, done before anything is written: byte size, then
the type from the content (never from the name or the browser's claim)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# magic bytes → (media type, suffix); ZIP containers are told apart by their parts
_SIGNATURES = [
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
]
_OOXML_PARTS = [("word/document.xml", (_DOCX, ".docx")), ("xl/workbook.xml", (_XLSX, ".xlsx"))]


@dataclass(frozen=True)
class CheckedFile:
    media_type: str
    suffix: str
    data: bytes


def max_bytes() -> int:
    return getattr(settings, "PLAN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def attachment_check(file) -> CheckedFile:
    """The file's bytes and detected type, or ValidationError naming what is wrong."""
    limit = max_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise ValidationError({"file": _("文件为空")}, code="empty")
    media_type, suffix = _sniff(data)
    return CheckedFile(media_type, suffix, data)


def _sniff(data: bytes) -> tuple[str, str]:
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(data)
        if kind:
            return kind
    raise ValidationError(
        {"file": _("不支持的文件类型：仅接受 PDF、DOCX、XLSX 或 PNG/JPEG 图像")}, code="type")


def _ooxml_kind(data: bytes) -> tuple[str, str] | None:
    """DOCX and XLSX are ZIP files whose parts say which they are (a plain ZIP is not)."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)


def _too_large(limit: int) -> ValidationError:
    return ValidationError({"file": _("文件过大：上限为 %(mb).1f MB") % {"mb": limit / 1048576}},
                           code="size")
