"""The Dash apps mounted under /dash/<name>/, each built once on first use.

Building lazily keeps Dash and plotly out of Django's start-up (and out of every test that
never opens a dashboard); `reverse` then also knows the site's script prefix.
"""

from __future__ import annotations

import threading
from importlib import import_module

from django.urls import reverse

# name -> module with `build(base_path: str) -> dashboards.dashapp.DjangoDash`
DASHBOARDS = {"onemap": "dashboards.onemap"}

_apps: dict = {}
_lock = threading.Lock()


def dash_app(name: str):
    """The mounted Dash app called `name` (a `DjangoDash`), or None if there is none."""
    if name not in DASHBOARDS:
        return None
    with _lock:
        app = _apps.get(name)
        if app is None:
            base_path = reverse("dashboards:app", kwargs={"dashboard": name})
            app = _apps[name] = import_module(DASHBOARDS[name]).build(base_path)
        return app
