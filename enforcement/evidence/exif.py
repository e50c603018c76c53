"""Where and when a photo says it was taken (EXIF), for uploads whose form left them out
(a photo picked from the gallery rather than taken in the page)."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from PIL import ExifTags, Image, UnidentifiedImageError


def photo_place_time(data: bytes) -> tuple[float | None, float | None, datetime.datetime | None]:
    """(longitude, latitude, taken_at) from the photo's EXIF; None for what it lacks. The
    EXIF time has no zone: it is read in the site's zone (a phone's local time)."""
    try:
        exif = Image.open(io.BytesIO(data)).getexif()
    except (UnidentifiedImageError, OSError, ValueError):
        return None, None, None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    text = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) \
        or exif.get(ExifTags.Base.DateTime)
    try:
        taken = timezone.make_aware(datetime.datetime.strptime(str(text), "%Y:%m:%d %H:%M:%S"))
    except (TypeError, ValueError):
        taken = None
    return lon, lat, taken


def _degrees(dms, ref) -> float | None:
    try:
        value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    except (TypeError, IndexError, ValueError, ZeroDivisionError):
        return None
    return round(-value if ref in ("S", "W") else value, 7)
