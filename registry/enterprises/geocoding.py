"""Address → point through a Nominatim-compatible geocoder (地理编码), when one is set.

`settings.GEOCODER_URL` (e.g. "https://nominatim.example.org" or
"http://127.0.0.1:8088/nominatim") names the service; without it there is no
geocoding and users place the point on the map.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.gis.geos import Point
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

USER_AGENT = "SafeAtlas"
TIMEOUT_SECONDS = 5


class GeocoderUnavailable(Exception):
    """The geocoder is configured but did not answer."""


def geocoder_configured() -> bool:
    return bool(settings.GEOCODER_URL)


def _geocoder() -> Nominatim:
    url = urlsplit(settings.GEOCODER_URL)
    # geopy builds "<scheme>://<domain>/search"; a path prefix rides along in `domain`.
    return Nominatim(user_agent=USER_AGENT, domain=url.netloc + url.path.rstrip("/"),
                     scheme=url.scheme or "https", timeout=TIMEOUT_SECONDS)


def geocode(address: str) -> Point | None:
    """The point for an address (EPSG:4326), None when nothing matches or no geocoder
    is configured. Raises GeocoderUnavailable when the service fails."""
    address = (address or "").strip()
    if not address or not geocoder_configured():
        return None
    try:
        found = _geocoder().geocode(address, exactly_one=True)
    except GeopyError as exc:
        raise GeocoderUnavailable(str(exc)) from exc
    if found is None:
        return None
    return Point(round(found.longitude, 7), round(found.latitude, 7), srid=4326)
