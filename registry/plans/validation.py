"""Upload checks for plan attachments, done before anything is written: byte size, then
the type from the content (`geo.uploads`), limited to documents and images."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from geo.uploads import DOCX, JPEG, PDF, PNG, XLSX, upload_read, upload_type

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ALLOWED = (PDF, DOCX, XLSX, PNG, JPEG)


@dataclass(frozen=True)
class CheckedFile:
    media_type: str
    suffix: str
    data: bytes


def max_bytes() -> int:
    return getattr(settings, "PLAN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def attachment_check(file) -> CheckedFile:
    """The file's bytes and detected type, or ValidationError keyed `file`."""
    try:
        data = upload_read(file, max_bytes=max_bytes())
        kind = upload_type(data, ALLOWED, names=_("PDF、DOCX、XLSX 或 PNG/JPEG 图像"))
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=error.code) from None
    return CheckedFile(kind.media_type, kind.suffix, data)
