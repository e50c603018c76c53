import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
django_application = get_wsgi_application()

# Cached vector tiles are answered before the middleware stack (see tiles/fastpath.py,
# docs/adr/0002-tile-cache.md); everything else goes to Django unchanged.
from tiles.fastpath import TileFastPath  # noqa: E402  (needs Django set up first)

application = TileFastPath(django_application)
