"""The Dash apps mounted under /dash/<name>/, each built and set up once per process.

`build_all()` runs at worker start (geo/wsgi.py), so no request waits for Dash and plotly
to import; `dash_app` builds on first use where nothing called it (runserver, tests), and
Django start-up itself never imports Dash. See docs/adr/0010-dash-assets-at-start.md.
"""

from __future__ import annotations

import threading
from importlib import import_module

from django.urls import reverse

# name -> module with `build(base_path: str) -> dashboards.dashapp.DjangoDash`
DASHBOARDS = {"onemap": "dashboards.onemap", "riskmap": "dashboards.riskmap",
              "screen": "dashboards.screen"}

_apps: dict = {}
_lock = threading.Lock()


def dash_app(name: str):
    """The mounted Dash app called `name` (a `DjangoDash`), or None if there is none."""
    if name not in DASHBOARDS:
        return None
    app = _apps.get(name)
    if app is not None:
        return app
    with _lock:
        app = _apps.get(name)
        if app is None:
            base_path = reverse("dashboards:app", kwargs={"dashboard": name})
            app = import_module(DASHBOARDS[name]).build(base_path)
            set_up(app)
            _apps[name] = app  # only once set up: no request ever sees it half-ready
        return app


def set_up(app) -> None:
    """Run Dash's first-request server set-up now, through one request of its own.

    Dash 4.4 marks that set-up done before it registers the component suites, so requests
    running beside a worker's first one answered 500 ("dash is not a registered library")
    and the page never rendered. The layout it validates is built for the public scope
    (no Django request is being served)."""
    response = app.server.test_client().get(app.config.routes_pathname_prefix
                                            + "_dash-dependencies")
    if response.status_code != 200:
        raise RuntimeError(f"Dash set-up of {app.config.routes_pathname_prefix} answered "
                           f"{response.status_code}")


def build_all() -> None:
    """Build and set up every mounted dashboard in this process (at worker start)."""
    for name in DASHBOARDS:
        dash_app(name)


def built_apps() -> list:
    """The apps this process has built so far."""
    return list(_apps.values())
