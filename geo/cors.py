"""Cross-origin reads (CORS) of the map and API paths: one decision, `cors_for`, used by
`CorsMiddleware` (every answer Django gives) and by the tile fast path
(tiles/fastpath.py), which answers cached tiles and tile preflights before any middleware.

Policy (docs/adr/0011-cors.md):

- only `/tiles/` (tiles, TileJSON, style.json), `/ogc/` and `/api/`; pages, the admin and
  the sign-in never answer another origin;
- an origin listed in `SAFEATLAS_CORS_ORIGINS` (`settings.CORS_ORIGINS`) is echoed and may
  send `Authorization` (an API token, geo.tokens);
- any other origin gets `*` for anonymous requests only: its preflight does not allow
  `Authorization`, and a request that carries a token anyway (`?token=`, or a header set
  outside a browser) gets no Allow-Origin, so a page there cannot read what a token sees;
- never `Access-Control-Allow-Credentials`: a cookie never authorises a cross-origin read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

PATHS = ("/tiles/", "/ogc/", "/api/")
METHODS = "GET"  # cross-origin clients read; writes stay same-origin (the views are GET-only)
MAX_AGE = "7200"  # Chromium caps a preflight's lifetime at two hours
# Safelisted request headers need no listing; these are the others map clients send.
ANONYMOUS_HEADERS = "Accept-Language, If-None-Match"
LISTED_HEADERS = f"Authorization, {ANONYMOUS_HEADERS}"
# Beyond the safelisted response headers: revalidation, OGC paging and CRS, language.
EXPOSE = "Content-Crs, Content-Language, Content-Length, Content-Type, ETag, Link"


@dataclass(frozen=True)
class Cors:
    """The CORS headers of one answer; `preflight`: answer 204 with them, run no view."""

    headers: tuple[tuple[str, str], ...]
    preflight: bool


def cors_headers(origin: str | None, *, preflight: bool, token: bool
                 ) -> tuple[tuple[str, str], ...]:
    """The headers for a map/API path. `token`: the request carries an API token."""
    vary = ("Vary", "Origin")  # the answer differs by origin, also for caches
    if not origin:
        return (vary,)
    listed = origin in settings.CORS_ORIGINS
    if not listed and token:
        return (vary,)  # a token from an unlisted page: that page may not read the answer
    allow = ("Access-Control-Allow-Origin", origin if listed else "*")
    if not preflight:
        return vary, allow, ("Access-Control-Expose-Headers", EXPOSE)
    return (vary, allow, ("Access-Control-Allow-Methods", METHODS),
            ("Access-Control-Allow-Headers", LISTED_HEADERS if listed else ANONYMOUS_HEADERS),
            ("Access-Control-Max-Age", MAX_AGE))


def cors_for(meta: Mapping[str, str]) -> Cors | None:
    """The decision for a WSGI environ or `request.META` (same keys); None off the paths."""
    if not meta.get("PATH_INFO", "").startswith(PATHS):
        return None
    preflight = (meta.get("REQUEST_METHOD") == "OPTIONS"
                 and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in meta)
    query = meta.get("QUERY_STRING", "")
    token = bool(meta.get("HTTP_AUTHORIZATION")) or (
        "token=" in query and any(name == "token" for name, _ in parse_qsl(query)))
    return Cors(cors_headers(meta.get("HTTP_ORIGIN"), preflight=preflight, token=token),
                preflight)


def cors_merged(headers: list[tuple[str, str]], cors: Cors) -> list[tuple[str, str]]:
    """WSGI headers with the CORS ones added, `Vary` joined into one header."""
    vary = [value for name, value in headers if name == "Vary" and value]
    out = [(name, value) for name, value in headers if name != "Vary"]
    for name, value in cors.headers:
        if name == "Vary":
            vary.append(value)
        else:
            out.append((name, value))
    return [*out, ("Vary", ", ".join(vary))]


class CorsMiddleware:
    """First in the stack, so that every answer on the paths carries the headers (a 401
    for a bad token and redirects included), and preflights reach no view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cors = cors_for(request.META)
        if cors is None:
            return self.get_response(request)
        if cors.preflight:
            response = HttpResponse(status=204)
            del response["Content-Type"]  # no body
        else:
            response = self.get_response(request)
        for name, value in cors.headers:
            if name == "Vary":
                patch_vary_headers(response, [value])
            else:
                response[name] = value
        return response
