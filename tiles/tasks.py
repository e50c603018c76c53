"""The tiles' scheduled job, run by the one job runner (`manage.py procrastinate
worker`, ADR 0012). Thin: it calls `tiles.pruning`."""

from __future__ import annotations

from django.conf import settings
from procrastinate.contrib.django import app

from tiles.pruning import cache_prune


@app.periodic(cron="41 * * * *")
@app.task(queue="tiles", queueing_lock="tiles_cache_prune")
def tile_cache_prune(timestamp: int) -> int:
    """Hourly: delete cached tiles of versions no request will ask for again (a write
    orphans the tiles over its cells, ADR 0019)."""
    return cache_prune(settings.TILE_CACHE_DIR)
