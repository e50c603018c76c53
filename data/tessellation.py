"""Nested polygon tessellations: every coarse cell is an exact union of finer cells.

One Voronoi tessellation of fine seeds (clipped to an irregular outline) is built;
each coarser level groups the cells of the level below by their nearest seed of
that level. Boundaries are therefore shared exactly between siblings and between
a parent and its children, as real administrative boundaries are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

GRID = 1e-6  # coordinate grid in degrees (about 0.1 m): stable WKT, exact shared edges


def outline(rng: np.random.Generator, centre: tuple[float, float],
            radius: tuple[float, float], vertices: int = 180) -> shapely.Polygon:
    """An irregular, smooth blob: a polar curve with a few random harmonics."""
    theta = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    r = np.ones_like(theta)
    for k, amplitude in ((2, 0.14), (3, 0.11), (5, 0.07), (7, 0.05), (11, 0.03), (17, 0.015)):
        r += amplitude * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    x = centre[0] + radius[0] * r * np.cos(theta)
    y = centre[1] + radius[1] * r * np.sin(theta)
    return shapely.set_precision(shapely.Polygon(np.column_stack([x, y])), GRID)


def jittered_seeds(rng: np.random.Generator, shape: shapely.Geometry,
                   count: int) -> np.ndarray:
    """About `count` well-spread points inside `shape` (a jittered grid, so cells are
    compact, not the slivers plain uniform points give)."""
    x0, y0, x1, y1 = shape.bounds
    spacing = np.sqrt(shape.area / count)
    xs = np.arange(x0 + spacing / 2, x1, spacing)
    ys = np.arange(y0 + spacing / 2, y1, spacing)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    pts += rng.uniform(-0.45, 0.45, pts.shape) * spacing
    inside = shapely.contains_xy(shape, pts[:, 0], pts[:, 1])
    return np.round(pts[inside], 6)


def lloyd_seeds(rng: np.random.Generator, points: np.ndarray, count: int,
                iterations: int = 5) -> np.ndarray:
    """`count` seeds spread over `points` like k-means centres (a few Lloyd steps), so a
    level gets the number of cells asked for, each of similar size."""
    seeds = points[np.sort(rng.choice(len(points), count, replace=False))]
    for _ in range(iterations):
        group = nearest(points, seeds)
        size = np.bincount(group, minlength=count)
        sums = np.column_stack([np.bincount(group, points[:, k], minlength=count)
                                for k in (0, 1)])
        filled = size > 0
        seeds[filled] = sums[filled] / size[filled, None]
    return np.round(seeds, 6)


def voronoi_cells(seeds: np.ndarray, clip: shapely.Geometry) -> np.ndarray:
    """One polygon per seed (same order), clipped to `clip`, on the coordinate grid."""
    x0, y0, x1, y1 = clip.bounds
    frame = shapely.box(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
    cells = shapely.get_parts(cells)
    shapely.prepare(clip)
    inside = shapely.contains_properly(clip, cells)
    # Snap-rounding every cell is slow; only the cells on the outline need an overlay.
    out = shapely.transform(cells, lambda xy: np.round(xy, 6))  # cells are far above GRID
    out[~inside] = shapely.intersection(cells[~inside], clip, grid_size=GRID)
    return polygonal(out)


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only polygons: a clip can leave stray lines or points in a collection."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    out = shapely.multipolygons(parts[keep], indices=index[keep])
    single = shapely.get_num_geometries(out) == 1
    out[single] = shapely.get_geometry(out[single], 0)
    return out


@dataclass(frozen=True)
class Level:
    """One level of a nested tessellation: geometries, seeds and the parent index
    of each cell in the next coarser level (-1 at the top)."""

    geoms: np.ndarray
    seeds: np.ndarray
    parent: np.ndarray


def nearest(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest target for each point (vectorised STRtree search)."""
    tree = shapely.STRtree(shapely.points(targets))
    pairs = tree.query_nearest(shapely.points(points), return_distance=False, all_matches=False)
    out = np.empty(len(points), dtype=np.int64)
    out[pairs[0]] = pairs[1]
    return out


def group_union(geoms: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Union of the members of each group (a coverage, so a coverage union is exact)."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(groups + 1))
    out = np.empty(groups, dtype=object)
    for g in range(groups):
        members = geoms[order[bounds[g]:bounds[g + 1]]]
        out[g] = shapely.coverage_union_all(members) if len(members) else None
    return out


def coarsen(fine: Level, seeds: np.ndarray) -> tuple[Level, np.ndarray]:
    """Group `fine` cells by nearest coarse seed. Seeds that win no cell are dropped.
    Returns the coarse level and the fine cells' parent indices into it."""
    group = nearest(fine.seeds, seeds)
    used = np.unique(group)
    remap = np.full(len(seeds), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    group = remap[group]
    geoms = group_union(fine.geoms, group, len(used))
    return Level(geoms, seeds[used], np.full(len(used), -1, dtype=np.int64)), group
