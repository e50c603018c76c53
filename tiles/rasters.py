"""Raster tiles (PNG) from the sources registered in `layers.rasters` (floor plans),
cached like vector tiles: the key carries the item's version, so a change is a new key."""

from __future__ import annotations

from layers.rasters import RasterItem, intersects, tile_bounds
from tiles.cache import PNG_SUFFIX, TileEntry, TileKey, tile_cache

EMPTY = TileEntry.from_compressed(b"")


def raster_tile_get(source_id: str, item_id: int, item: RasterItem, z: int, x: int, y: int
                    ) -> TileEntry:
    """The tile's PNG (cached), or an empty entry where the picture does not reach."""
    bounds = tile_bounds(z, x, y)
    if item.extent is None or not intersects(bounds, item.extent):
        return EMPTY
    # the scope was checked when the item was found; a picture drawn from the caller's rows
    # (the risk cloud) says whose it is in its scope key
    key = TileKey((source_id, str(item_id)), (item.version,), item.scope_key, z, x, y,
                  suffix=PNG_SUFFIX)
    cache = tile_cache()
    entry = cache.get(key)
    if entry is None:
        entry = TileEntry.from_compressed(item.render(bounds))
        cache.put(key, entry)
    return entry
