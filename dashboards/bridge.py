"""Dash inside Django: a Django view forwards the request to a Dash app's WSGI interface.

The Django request is held in a context variable while the Dash (Flask) app handles the
forwarded call, so layout functions and callbacks resolve the caller through the one scope
helper (`current_scope()` -> `geo.scope.scope_for_request`). See docs/adr/0001-dash-hosting.md.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from geo.scope import PUBLIC, Scope, scope_for_request

_django_request: ContextVar[HttpRequest | None] = ContextVar("dash_django_request", default=None)

# wsgiref (runserver, live_server) refuses hop-by-hop headers in an application's response.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
               "te", "trailers", "transfer-encoding", "upgrade"}


def current_request() -> HttpRequest | None:
    """The Django request being served by a Dash app, or None outside one."""
    return _django_request.get()


def current_scope() -> Scope:
    """The scope of the Django caller of the running Dash callback (public outside a request)."""
    request = current_request()
    return scope_for_request(request) if request is not None else PUBLIC


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    """Make `request` the current Django request (also used by tests of callback functions)."""
    token = _django_request.set(request)
    try:
        yield
    finally:
        _django_request.reset(token)


def wsgi_environ(request: HttpRequest) -> dict:
    """A WSGI environ for the Dash app: Django's own, with the body replayed.

    Django may already have read the body stream (CSRF checks), so the cached `request.body`
    is fed back. The path is the full path, matching the Dash app's `url_base_pathname`.
    """
    body = request.body
    environ = dict(request.META)
    environ.update({
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "SCRIPT_NAME": "",
        "PATH_INFO": request.path,
    })
    return environ


def forward(request: HttpRequest, wsgi_app) -> HttpResponse:
    """Serve `request` with a WSGI application, as the current Django request."""
    started: dict = {}

    def start_response(status: str, headers: list, exc_info=None):
        started["status"], started["headers"] = status, headers
        return lambda _data: None  # the legacy write() callable; Flask never uses it

    with serving(request):
        result = wsgi_app(wsgi_environ(request), start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    response = HttpResponse(content, status=int(started["status"].split(" ", 1)[0]))
    for name, value in started["headers"]:
        if name.lower() not in _HOP_BY_HOP:
            response[name] = value
    return response
