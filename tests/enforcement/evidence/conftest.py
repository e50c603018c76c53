from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to the test's own folder, not the site's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg(colour: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, "JPEG")
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


def mp3() -> SimpleUploadedFile:
    return SimpleUploadedFile("询问录音.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64)


def mp4() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场录像.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
