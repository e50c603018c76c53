"""The one Django view in front of every mounted Dash app."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

from dashboards.bridge import forward
from dashboards.dashfiles import ASSETS, SUITES, file_answer
from dashboards.mount import dash_app


@ensure_csrf_cookie  # Dash's renderer echoes the csrftoken cookie in its callback POSTs
def dashboard(request: HttpRequest, dashboard: str, rest: str = "") -> HttpResponse:
    """Forward to the Dash app; dashboards are for signed-in users only (Dash's own files,
    the same public bytes for everyone, are not)."""
    app = dash_app(dashboard)
    if app is None:
        raise Http404(dashboard)
    if rest.startswith((SUITES, ASSETS)) and request.method == "GET":
        return dash_file(request, app, rest)
    if not request.user.is_authenticated:
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return HttpResponse(status=401)
    return forward(request, app.server.wsgi_app)


def dash_file(request: HttpRequest, app, rest: str) -> HttpResponse:
    """What `dashboards.dashfiles.DashFiles` answers when no WSGI wrapper is in front."""
    answer = file_answer(app, rest, request.headers.get("If-None-Match", ""))
    if answer is None:
        raise Http404(rest)
    status, headers, body = answer
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response
