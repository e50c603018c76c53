from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to the test's own folder, not the site's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg(colour: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(out, "JPEG")
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


def jpeg_with_exif() -> SimpleUploadedFile:
    """A phone photo: GPS 118.1234567 E, 32.1234567 N, taken 2026-05-20 18:30:15 local."""
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (32.0, 7.0, 24.444), 3: "E", 4: (118.0, 7.0, 24.444)}
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:05:20 18:30:15"
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("相册照片.jpg", out.getvalue())


def mp3() -> SimpleUploadedFile:
    return SimpleUploadedFile("询问录音.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64)


def mp4() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场录像.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
