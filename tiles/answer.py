"""The HTTP answer for a tile, shared by the Django view and the WSGI fast path so both
return identical bytes and headers."""

from __future__ import annotations

import gzip

from tiles.cache import TileEntry

MVT_TYPE = "application/vnd.mapbox-vector-tile"
STATUS_TEXT = {200: "200 OK", 204: "204 No Content", 304: "304 Not Modified"}


def tile_answer(entry: TileEntry, *, public: bool, accept_encoding: str,
                if_none_match: str, media_type: str = MVT_TYPE
                ) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body). Empty tiles are 204; a matching ETag is 304.

    Public layers may be kept by shared caches; scoped ones only by the caller's browser.
    Either must revalidate (ETag) so a write is seen at once. MVT bodies are stored
    gzip-compressed and unpacked for clients without gzip; other types (PNG) go as stored.
    """
    gzipped = media_type == MVT_TYPE
    vary = ["Accept-Encoding"] if gzipped else []
    if not public:
        vary += ["Cookie", "Authorization"]
    headers = [
        ("Cache-Control", "public, no-cache" if public else "private, no-cache"),
        ("ETag", entry.etag),
        ("Vary", ", ".join(vary)),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if if_none_match and entry.etag in if_none_match:
        return 304, headers, b""
    if not entry.body:
        return 204, headers, b""
    headers.append(("Content-Type", media_type))
    if not gzipped:
        body = entry.body
    elif "gzip" in accept_encoding:
        headers.append(("Content-Encoding", "gzip"))
        body = entry.body
    else:
        body = gzip.decompress(entry.body)
    headers.append(("Content-Length", str(len(body))))
    return 200, headers, body
