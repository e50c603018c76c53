"""The one Django view in front of every mounted Dash app."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

from dashboards.bridge import forward
from dashboards.mount import dash_app


@ensure_csrf_cookie  # Dash's renderer echoes the csrftoken cookie in its callback POSTs
def dashboard(request: HttpRequest, dashboard: str, rest: str = "") -> HttpResponse:
    """Forward to the Dash app; dashboards are for signed-in users only."""
    app = dash_app(dashboard)
    if app is None:
        raise Http404(dashboard)
    if not request.user.is_authenticated:
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return HttpResponse(status=401)
    return forward(request, app.server.wsgi_app)
