"""Upload intake shared by every upload: read no more than the size limit, then tell the
type from the content (never from the name or the browser's claim). Checks that belong to
one kind of upload (pixel counts, PDF pages, which types are allowed) stay with it.

Both functions raise ValidationError before anything is written.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    key: str
    media_type: str
    suffix: str


PDF = FileType("pdf", "application/pdf", ".pdf")
PNG = FileType("png", "image/png", ".png")
JPEG = FileType("jpeg", "image/jpeg", ".jpg")
TIFF = FileType("tiff", "image/tiff", ".tif")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml"
                ".document", ".docx")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx")
# Audio and video, for evidence recorded on a phone (enforcement evidence).
MP4 = FileType("mp4", "video/mp4", ".mp4")
MOV = FileType("mov", "video/quicktime", ".mov")
WEBM = FileType("webm", "video/webm", ".webm")
M4A = FileType("m4a", "audio/mp4", ".m4a")
MP3 = FileType("mp3", "audio/mpeg", ".mp3")
WAV = FileType("wav", "audio/wav", ".wav")
AMR = FileType("amr", "audio/amr", ".amr")

_SIGNATURES = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG),
               (b"II*\x00", TIFF), (b"MM\x00*", TIFF), (b"\x1aE\xdf\xa3", WEBM),
               (b"ID3", MP3), (b"\xff\xfb", MP3), (b"\xff\xf3", MP3), (b"\xff\xf2", MP3),
               (b"#!AMR", AMR)]
# ISO media files (MP4, MOV, M4A) name their brand after "ftyp" at byte 4.
_ISO_BRANDS = {b"qt  ": MOV, b"M4A ": M4A, b"M4B ": M4A}
# DOCX and XLSX are ZIP files whose parts say which they are (a plain ZIP is neither).
_OOXML_PARTS = [("word/document.xml", DOCX), ("xl/workbook.xml", XLSX)]


def upload_read(file, *, max_bytes: int) -> bytes:
    """The upload's bytes; refuses an empty file or one over `max_bytes` without reading
    more than `max_bytes + 1` bytes of it."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("文件为空"), code="empty")
    return data


def upload_type(data: bytes, allowed: tuple[FileType, ...], *, names: str) -> FileType:
    """The type of `data` if it is one of `allowed`; `names` lists them for the error."""
    found = next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)
    if found is None and data.startswith(b"PK\x03\x04"):
        found = _ooxml_type(data)
    if found is None and data[4:8] == b"ftyp":
        found = _ISO_BRANDS.get(data[8:12], MP4)
    if found is None and data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        found = WAV
    if found not in allowed:
        raise ValidationError(_("不支持的文件类型：仅接受 %(types)s") % {"types": names},
                              code="type")
    return found


def _ooxml_type(data: bytes) -> FileType | None:
    try:
        parts = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in parts:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in parts), None)


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(_("文件过大：上限为 %(mb).1f MB") % {"mb": max_bytes / 1048576},
                           code="size")


def photo_response(image) -> FileResponse:
    """A stored photo (checked on upload as PNG or JPEG) sent to a reader the caller has
    already found in scope: its type from its name, never sniffed, never cached."""
    kind = PNG.media_type if image.name.endswith(".png") else JPEG.media_type
    response = FileResponse(image.open("rb"), content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
