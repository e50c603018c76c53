"""Dash's component suites (React, dash-renderer, dcc, plotly.js…) answered as static files:
the installed package files, read once per process, at Dash's own URLs
(`<app>/_dash-component-suites/<package>/<fingerprinted path>`), never through Flask.

`SuiteFastPath` answers them before Django's middleware (as the tile fast path does for
tiles); the dashboard view answers the same way under runserver and live_server. Only the
files Dash itself registered for the app are served, and they are the same bytes for
every caller, so no login is asked for. See docs/adr/0010-dash-assets-at-start.md.
"""

from __future__ import annotations

import hashlib
import mimetypes
import pkgutil
from dataclasses import dataclass

from dash.fingerprint import check_fingerprint

from dashboards.mount import built_apps

SUITES = "_dash-component-suites/"
YEAR = "public, max-age=31536000, immutable"  # the URL changes with the package version


@dataclass(frozen=True)
class SuiteFile:
    body: bytes
    etag: str
    content_type: str


_files: dict[tuple[str, str], SuiteFile] = {}


def _file(package: str, path: str) -> SuiteFile:
    found = _files.get((package, path))
    if found is None:
        body = pkgutil.get_data(package, path) or b""
        # the media type Dash's own handler gives (mimetypes), with a charset for text
        kind = mimetypes.types_map.get("." + path.rsplit(".", 1)[-1], "application/octet-stream")
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        found = _files[(package, path)] = SuiteFile(
            body, f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"', kind)
    return found


def suite_answer(app, rest: str, if_none_match: str = ""
                 ) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """(status, headers, body) for `rest` = "<package>/<path>" below the app's suites URL,
    or None when Dash would not serve that file for this app."""
    package, _, fingerprinted = rest.partition("/")
    path, has_fingerprint = check_fingerprint(fingerprinted)
    registered = app.registered_paths.get(package)  # .get: it is a defaultdict
    if not registered or path not in registered:
        return None
    file = _file(package, path)
    headers = [("Content-Type", file.content_type), ("X-Content-Type-Options", "nosniff")]
    if has_fingerprint:
        headers.append(("Cache-Control", YEAR))
    else:  # Dash's renderer asks some files without a fingerprint: revalidate by ETag
        headers += [("Cache-Control", "no-cache"), ("ETag", file.etag)]
        if if_none_match == file.etag:
            return 304, headers, b""
    return 200, [*headers, ("Content-Length", str(len(file.body)))], file.body


_STATUS = {200: "200 OK", 304: "304 Not Modified"}


class SuiteFastPath:
    """Wrap a WSGI application: suites of the Dash apps built in this process are answered
    here, everything else (and any file this app has not registered) goes on to `app`."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        answer = None
        if environ.get("REQUEST_METHOD") == "GET":
            full = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            if SUITES in full:
                answer = _answer_for(full, environ.get("HTTP_IF_NONE_MATCH", ""))
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(_STATUS[status], headers)
        return [body]


def _answer_for(full_path: str, if_none_match: str):
    for app in built_apps():
        prefix = app.config.requests_pathname_prefix + SUITES
        if full_path.startswith(prefix):
            return suite_answer(app, full_path[len(prefix):], if_none_match)
    return None
