"""WSGI fast path for tiles: answers `/tiles/.../*.mvt` before Django's middleware stack
runs. A cache hit touches neither the database nor the ORM; a miss runs the one tile
statement on this thread's Django connection (errors fall through to Django, whose
request signals then recycle a broken connection).

The caller's scope comes from process caches only (token -> user id in geo.tokens,
signed-cookie session -> user id here, checked live by geo.sessions, user id -> scope
in geo.scope); anything not already known (a new token, an unknown user, a session this
process has not checked lately, a non-live version copy, an error) falls through to
Django, which answers and fills the caches for next time.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http.cookie import parse_cookie

from geo.cors import cors_for, cors_merged
from geo.scope import PUBLIC, Scope, cached_scope_for_user_id
from geo.sessions import SESSION_ID_KEY, session_known_live
from geo.tokens import cached_token_user_id, key_from_meta
from tiles.answer import STATUS_TEXT, tile_answer
from tiles.cache import tile_cache
from tiles.selectors import (
    TileError,
    in_zoom,
    layers_from_ids,
    tile_coords,
    tile_key,
    tile_render,
)

log = logging.getLogger(__name__)
_TILE_PATH = re.compile(r"^/tiles/([^/]+)/([^/]+)/([^/]+)/([^/]+)\.mvt$")
_SESSION_SECONDS = 30.0
_sessions: dict[str, tuple[float, int | None, str | None]] = {}
_UNKNOWN = object()
_METHODS = frozenset({"GET", "OPTIONS"})


class TileFastPath:
    """Wrap the Django WSGI application: `application = TileFastPath(get_wsgi_application())`."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        match = _TILE_PATH.match(environ.get("PATH_INFO", "")) if method in _METHODS else None
        if match:
            cors = cors_for(environ)  # /tiles/ is a CORS path: never None here
            if cors.preflight:
                # A token in a header makes the browser ask once per tile URL: answer here.
                start_response(STATUS_TEXT[204], list(cors.headers))
                return [b""]
            try:
                answer = cached_answer(environ, match.groups()) if method == "GET" else None
            except Exception:  # the fast path must never break a request
                log.exception("tile fast path failed; falling back to Django")
                answer = None
            if answer is not None:
                status, headers, body = answer
                start_response(STATUS_TEXT[status], cors_merged(headers, cors))
                return [body]
        return self.app(environ, start_response)


def cached_answer(environ, parts: tuple[str, str, str, str]):
    """(status, headers, body) for a tile the caller may see, else None (ask Django)."""
    try:
        layers = layers_from_ids(parts[0])
        z, x, y = tile_coords(*parts[1:])
    except TileError:
        return None
    shown = in_zoom(layers, z)
    if not shown:
        return None
    scope = caller_scope(environ)
    if scope is None or not all(layer.visible_to(scope) for layer in layers):
        return None
    key = tile_key(layers, scope, z, x, y, live_only=True)
    if key is None:
        return None
    # A miss for a caller already known costs the one tile statement and nothing else:
    # the middleware stack would add more than the statement itself on small tiles.
    entry = tile_cache().get(key) or tile_render(key, shown, scope)
    return tile_answer(entry, public=all(layer.public for layer in layers),
                       accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
                       if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""))


def caller_scope(environ) -> Scope | None:
    """The scope from caches only; None when it would take a query."""
    user_id = _token_user(environ)
    if user_id is _UNKNOWN:
        return None
    if user_id is None:
        user_id = _session_user(environ)
        if user_id is _UNKNOWN:
            return None
    if user_id is None:
        return PUBLIC
    return cached_scope_for_user_id(int(user_id))


def _token_user(environ):
    key = key_from_meta(environ)
    if not key:
        return None
    known, user_id = cached_token_user_id(key)
    # An unknown or invalid token is Django's to answer (it says 401 for a bad one).
    return user_id if known and user_id is not None else _UNKNOWN


def _session_user(environ):
    """The signed-in user of the session cookie, None for anonymous, `_UNKNOWN` when the
    session has not been checked live by this process lately (ended, idle or new)."""
    cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(settings.SESSION_COOKIE_NAME)
    if not cookie:
        return None
    now = time.monotonic()
    hit = _sessions.get(cookie)
    if not hit or hit[0] <= now:
        from django.contrib.sessions.backends.signed_cookies import SessionStore

        # Signed-cookie sessions verify by HMAC alone: no database involved.
        data = SessionStore(session_key=cookie).load()
        if len(_sessions) > 10_000:
            _sessions.clear()
        hit = _sessions[cookie] = (now + _SESSION_SECONDS, data.get(SESSION_KEY),
                                   data.get(SESSION_ID_KEY))
    user_id, key = hit[1], hit[2]
    if user_id is None:
        return None
    return user_id if session_known_live(key, int(user_id)) else _UNKNOWN
