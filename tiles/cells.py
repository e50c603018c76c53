"""The grid of version cells (ADR 0019): which cells a tile depends on.

Rows are versioned per Web Mercator tile cell at CELL_ZOOM (the triggers of
`tiles.triggers` bump the cells of each written row's bounding box). A tile shows the rows
inside its envelope grown by the render buffer (`tiles.sql`: BUFFER / EXTENT of a tile on
each side), so its key takes the highest version over the cells that grown envelope
touches. Tiles coarser than the cells read a coarser level of the in-memory pyramid
(each level holds the highest version below it), at most LOOKAHEAD levels finer than
the tile, so a key costs at most (2**LOOKAHEAD + 2)**2 = 36 lookups at any zoom.
"""

from __future__ import annotations

import functools
import math

CELL_ZOOM = 10    # ~39 x 33 km at 32 N; the triggers' grid (migration tiles 0002)
WIDE_CELLS = 256  # a row spanning more cells bumps the layer-wide version instead
LOOKAHEAD = 2     # levels below a coarse tile's zoom used for its buffer ring
MARGIN = 64 / 4096  # tiles.sql BUFFER / EXTENT: the search box margin, in tiles

CellRange = tuple[int, int, int, int, int]  # level, x0, x1, y0, y1 (inclusive)


@functools.lru_cache(maxsize=65536)  # runs for every tile request; maps repeat tiles
def cell_range(z: int, x: int, y: int) -> CellRange:
    """Cells at some level (CELL_ZOOM or coarser) covering tile z/x/y and its margin.
    (Exact in floats: the scale is a power of two and the margin 1/64.)"""
    level = min(CELL_ZOOM, z + LOOKAHEAD)
    scale = 2.0 ** (level - z)  # level cells per tile side (a fraction for fine tiles)
    last = 2**level - 1
    x0, x1 = math.floor((x - MARGIN) * scale), math.floor((x + 1 + MARGIN) * scale)
    y0, y1 = math.floor((y - MARGIN) * scale), math.floor((y + 1 + MARGIN) * scale)
    return (level, max(0, x0), min(last, x1), max(0, y0), min(last, y1))


def finest(cells: CellRange) -> tuple[int, int, int, int]:
    """The same range in CELL_ZOOM cells (what the database holds)."""
    level, x0, x1, y0, y1 = cells
    span = 2 ** (CELL_ZOOM - level)
    return x0 * span, (x1 + 1) * span - 1, y0 * span, (y1 + 1) * span - 1
