"""Dash's own files answered as static files, never through Flask: the component suites
(React, dash-renderer, dcc, plotly.js… from the installed packages, at Dash's fingerprinted
URLs `<app>/_dash-component-suites/<package>/<path>`) and the app's `assets/` folder.

`DashFiles` answers them before Django's middleware (as the tile fast path does for
tiles); the dashboard view answers the same way under runserver and live_server. Only
files Dash itself registered (suites) or walked (assets) are served; they are the same
bytes for every caller, so no login is asked for. Bytes are read once per process.
See docs/adr/0010-dash-assets-at-start.md.
"""

from __future__ import annotations

import hashlib
import mimetypes
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from dash.fingerprint import check_fingerprint

from dashboards.mount import built_apps
from tiles.answer import STATUS_TEXT  # the WSGI status lines the tile fast path uses

SUITES = "_dash-component-suites/"
ASSETS = "assets/"
YEAR = "public, max-age=31536000, immutable"  # the URL changes with the package version
Answer = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class DashFile:
    body: bytes
    etag: str
    content_type: str
    stamp: float = 0.0  # mtime of an assets/ file when read


_files: dict[tuple[str, str], DashFile] = {}


def _read(key: tuple[str, str], body: bytes, stamp: float = 0.0) -> DashFile:
    # the media type Dash's own handlers give (mimetypes), with a charset for text
    kind = mimetypes.types_map.get("." + key[1].rsplit(".", 1)[-1], "application/octet-stream")
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
    found = _files[key] = DashFile(body, etag, kind, stamp)
    return found


def file_answer(app, rest: str, if_none_match: str = "") -> Answer | None:
    """(status, headers, body) for `rest`, the URL path below the app's prefix, or None
    when it names no file Dash would serve for this app."""
    if rest.startswith(SUITES):
        return _suite(app, rest.removeprefix(SUITES), if_none_match)
    if rest.startswith(ASSETS):
        return _asset(app, rest.removeprefix(ASSETS), if_none_match)
    return None


def _suite(app, rest: str, if_none_match: str) -> Answer | None:
    package, _, fingerprinted = rest.partition("/")
    path, has_fingerprint = check_fingerprint(fingerprinted)
    registered = app.registered_paths.get(package)  # .get: it is a defaultdict
    if not registered or path not in registered:
        return None
    found = _files.get((package, path)) or _read((package, path),
                                                 pkgutil.get_data(package, path) or b"")
    # Dash's renderer asks some files (async chunks, plotly.js) without a fingerprint
    return _answer(found, YEAR if has_fingerprint else None, if_none_match)


def _asset(app, rest: str, if_none_match: str) -> Answer | None:
    folder = Path(app.config.assets_folder).resolve()
    path = (folder / rest).resolve()
    if not path.is_relative_to(folder) or not path.is_file() or any(
            part.startswith(".") for part in path.relative_to(folder).parts):
        return None
    stamp = path.stat().st_mtime  # assets are edited in development: re-read when changed
    found = _files.get(("assets", str(path)))
    if found is None or found.stamp != stamp:
        found = _read(("assets", str(path)), path.read_bytes(), stamp)
    return _answer(found, None, if_none_match)  # `?m=<mtime>` URLs: revalidate by ETag


def _answer(found: DashFile, cache: str | None, if_none_match: str) -> Answer:
    headers = [("Content-Type", found.content_type), ("X-Content-Type-Options", "nosniff")]
    if cache:
        headers.append(("Cache-Control", cache))
    else:
        headers += [("Cache-Control", "no-cache"), ("ETag", found.etag)]
        if if_none_match == found.etag:
            return 304, headers, b""
    return 200, [*headers, ("Content-Length", str(len(found.body)))], found.body


class DashFiles:
    """Wrap a WSGI application: files of the Dash apps built in this process are answered
    here; everything else (and any file an app does not serve) goes on to `app`."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        answer = None
        if environ.get("REQUEST_METHOD") == "GET":
            full = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            if SUITES in full or ASSETS in full:
                answer = _answer_for(full, environ.get("HTTP_IF_NONE_MATCH", ""))
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(STATUS_TEXT[status], headers)
        return [body]


def _answer_for(full_path: str, if_none_match: str) -> Answer | None:
    for app in built_apps():
        prefix = app.config.requests_pathname_prefix
        if full_path.startswith(prefix):
            return file_answer(app, full_path[len(prefix):], if_none_match)
    return None
