import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
# One BLAS thread per request thread, set before numpy loads OpenBLAS: its own thread pool
# on top of the server's threads spins for cores others hold (measured on the risk cloud's
# matrix product, 2 busy cores: 130 ms a tile with the pool, 28 ms without).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
django_application = get_wsgi_application()

# These need Django set up first.
from django.db import connections  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from dashboards.dashfiles import DashFiles  # noqa: E402
from dashboards.mount import build_all  # noqa: E402
from tiles.fastpath import TileFastPath  # noqa: E402

log = logging.getLogger("geo.wsgi")


def warm_up() -> None:
    """Do at worker start what each worker's first requests did: import the URLconf and
    build every Dash app with Dash's server set-up (racing that set-up answered 500;
    docs/adr/0010-dash-assets-at-start.md). On failure the first request does it."""
    try:
        get_resolver().url_patterns  # noqa: B018  (the property imports every urls module)
        build_all()
    except Exception:
        log.exception("warm-up failed; the first requests will build what is missing")
    finally:
        connections.close_all()  # this thread serves no request: keep no connection open


warm_up()

# Cached vector tiles are answered before the middleware stack (see tiles/fastpath.py,
# docs/adr/0002-tile-cache.md), then Dash's own files (dashboards/dashfiles.py);
# everything else goes to Django unchanged.
application = TileFastPath(DashFiles(django_application))
