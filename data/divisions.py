"""The fictional province's division tree (行政区划) and supervision grid (网格).

Codes follow the statistical division code rules (统计用区划代码): counties 02–20 are
districts (区), 21–80 counties (县), 81–99 county-level cities; towns 001–099 are
sub-districts (街道), 101–199 towns (镇), 201–399 townships (乡), 400–599 parks and
development zones (类似乡级单位); villages 001–199 are communities (社区) and 201–399
villages (村).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from data import names as N
from data.tessellation import Level, coarsen, jittered_seeds, lloyd_seeds, outline, voronoi_cells

PROVINCE = ("39", "江淮省")        # 39 is unused in GB/T 2260: never clashes with real data
CENTRE, RADIUS = (119.7, 31.9), (1.1, 0.85)
PARK_SITE = (119.05, 32.15)       # on the Yangtze's north bank, where real parks cluster
PARK_NAME = "沿江化工园区"
TREES = {  # target counts per level: a small demo, and a real province's size
    "small": {"city": 3, "county": 12, "town": 72, "village": 600, "cell": 1800},
    "province": {"city": 13, "county": 95, "town": 1250, "village": 19000, "cell": 57000},
}
LEVELS = ["city", "county", "town", "village"]


@dataclass
class Tree:
    divisions: pd.DataFrame   # code, name, level, parent_code, geom
    grid: pd.DataFrame        # code, name, level, parent_code, division_code, geom
    park_code: str            # the park's town-level code
    seeds: dict[str, np.ndarray]


def _levels(rng: np.random.Generator, counts: dict[str, int]) -> dict[str, Level]:
    """Fine cells (level-4 grid) tile the outline; each level above groups the one below."""
    shape = outline(rng, CENTRE, RADIUS)
    fine_seeds = jittered_seeds(rng, shape, counts["cell"])
    level = Level(voronoi_cells(fine_seeds, shape), fine_seeds, np.empty(0, np.int64))
    out = {}
    for name, coarse_name in (("cell", "village"), ("village", "town"), ("town", "county"),
                              ("county", "city")):
        coarse, parent = coarsen(level, lloyd_seeds(rng, level.seeds, counts[coarse_name]))
        out[name] = Level(level.geoms, level.seeds, parent)
        level = coarse
    out["city"] = Level(level.geoms, level.seeds, np.zeros(len(level.geoms), np.int64))
    return out


def _ranked(level: Level, anchors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children ordered by parent, then by distance to the parent's seed (urban core
    first); returns that order, each one's rank among its siblings and the sibling count."""
    d = np.hypot(*(level.seeds - anchors[level.parent]).T)
    order = np.lexsort((d, level.parent))
    parent = level.parent[order]
    starts = np.r_[0, np.flatnonzero(np.diff(parent)) + 1]
    sizes = np.diff(np.r_[starts, len(parent)])
    rank = np.arange(len(parent)) - np.repeat(starts, sizes)
    return order, rank, np.repeat(sizes, sizes)


def _county_code(rank: int, siblings: int) -> tuple[str, str]:
    if rank < min(2, siblings - 1) or siblings == 1:
        return f"{rank + 2:02d}", "区"
    if rank == siblings - 1 and siblings >= 4:
        return "81", "市"
    return f"{rank + 19:02d}", "县"


def _town_code(rank: int, siblings: int, urban: bool) -> tuple[str, str]:
    if urban or rank < 2:
        return f"{rank + 1:03d}", "街道"
    if rank < 0.8 * siblings:
        return f"{rank + 99:03d}", "镇"
    return f"{rank + 199:03d}", "乡"


def _village_code(rank: int, community: bool) -> tuple[str, str]:
    if community or rank < 2:
        return f"{rank + 1:03d}", "社区"
    return f"{rank + 199:03d}", "村"


@dataclass
class _Coded:
    code: np.ndarray    # 12-digit codes, indexed like the level's cells
    name: np.ndarray
    suffix: np.ndarray  # the name's kind (区, 镇, 社区…), read by the level below


def _code_level(rng, level: Level, parent: _Coded, anchors: np.ndarray, kind: str,
                park: int, taken: set[str] | None) -> _Coded:
    order, rank, siblings = _ranked(level, anchors)
    parents = level.parent[order]
    parts = []
    for r, n, p, i in zip(rank.tolist(), siblings.tolist(), parents.tolist(), order.tolist(),
                          strict=True):
        if kind == "county":
            parts.append(_county_code(r, n))
        elif kind == "town":
            parts.append(("400", "") if i == park else
                         _town_code(r, n, parent.suffix[p] == "区"))
        else:
            parts.append(_village_code(r, parent.suffix[p] in ("街道", "")))
    local, suffix = (np.array(x, dtype=object) for x in zip(*parts, strict=True))
    head = {"county": 4, "town": 6, "village": 9}[kind]
    pad = {"county": 6, "town": 3, "village": 0}[kind]
    code = np.array([parent.code[p][:head] + c + "0" * pad
                     for p, c in zip(parents.tolist(), local.tolist(), strict=True)])
    names = _names(rng, parents, suffix, taken)
    if kind == "town" and park in order:
        names[int(np.flatnonzero(order == park)[0])] = PARK_NAME
    out = _Coded(np.empty(len(order), object), np.empty(len(order), object),
                 np.empty(len(order), object))
    out.code[order], out.name[order], out.suffix[order] = code, names, suffix
    return out


def _names(rng, parents: np.ndarray, suffix: np.ndarray, taken: set[str] | None) -> np.ndarray:
    """Names unique province-wide (`taken` given) or among siblings (`taken` None)."""
    if taken is not None:
        return np.array(N.unique_names(rng, len(suffix), list(suffix), taken), dtype=object)
    out = np.empty(len(suffix), object)
    starts = np.r_[0, np.flatnonzero(np.diff(parents)) + 1, len(parents)]
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        out[a:b] = N.unique_names(rng, b - a, list(suffix[a:b]))
    return out


def _city_level(rng, level: Level) -> _Coded:
    """Cities ordered north to south, west to east; the first is the capital."""
    order = np.lexsort((level.seeds[:, 0], -level.seeds[:, 1]))
    code = np.empty(len(order), object)
    code[order] = [f"{PROVINCE[0]}{r + 1:02d}00000000" for r in range(len(order))]
    name = np.empty(len(order), object)
    name[order] = N.unique_names(rng, len(order), ["市"] * len(order))
    return _Coded(code, name, np.full(len(order), "市", object))


def build_tree(rng: np.random.Generator, size: str = "small") -> Tree:
    levels = _levels(rng, TREES[size])
    park = int(np.argmin(np.hypot(*(levels["town"].seeds - PARK_SITE).T)))
    coded = {"city": _city_level(rng, levels["city"])}
    province_names = {PROVINCE[1][:2]}
    for kind, above in (("county", "city"), ("town", "county"), ("village", "town")):
        taken = province_names if kind != "village" else None
        coded[kind] = _code_level(rng, levels[kind], coded[above], levels[above].seeds,
                                  kind, park, taken)
    divisions = _division_frame(levels, coded)
    grid = _grid_frame(levels, coded)
    return Tree(divisions, grid, coded["town"].code[park],
                {k: v.seeds for k, v in levels.items()})


def _division_frame(levels: dict[str, Level], coded: dict[str, _Coded]) -> pd.DataFrame:
    """The province is the union of its cities, so it nests exactly."""
    province_code = PROVINCE[0] + "0" * 10
    frames = [pd.DataFrame({"code": [province_code], "name": [PROVINCE[1]],
                            "level": ["province"], "parent_code": [None],
                            "geom": [shapely.coverage_union_all(levels["city"].geoms)]})]
    for kind, above in zip(LEVELS, [None, *LEVELS[:-1]], strict=True):
        parent = (np.full(len(coded[kind].code), province_code, object) if above is None
                  else coded[above].code[levels[kind].parent])
        frames.append(pd.DataFrame({"code": coded[kind].code, "name": coded[kind].name,
                                    "level": kind, "parent_code": parent,
                                    "geom": levels[kind].geoms}))
    out = pd.concat(frames, ignore_index=True).sort_values("code", ignore_index=True)
    out["geom"] = multi(out["geom"].to_numpy())
    return out


def _grid_frame(levels: dict[str, Level], coded: dict[str, _Coded]) -> pd.DataFrame:
    """Grid levels 1–3 follow counties, towns and villages; level 4 splits villages."""
    frames = []
    for grid_level, kind, above in ((1, "county", None), (2, "town", "county"),
                                    (3, "village", "town")):
        c = coded[kind]
        parent = (None if above is None
                  else np.char.add("W", coded[above].code[levels[kind].parent].astype(str)))
        frames.append(pd.DataFrame({"code": np.char.add("W", c.code.astype(str)),
                                    "name": np.char.add(c.name.astype(str), "网格"),
                                    "level": grid_level,
                                    "parent_code": parent, "division_code": c.code,
                                    "geom": levels[kind].geoms}))
    cells = levels["cell"]
    order, rank, _ = _ranked(cells, levels["village"].seeds)
    village = cells.parent[order]
    vcode = coded["village"].code[village].astype(str)
    k = np.char.zfill((rank + 1).astype(str), 3)
    frames.append(pd.DataFrame({
        "code": np.char.add(np.char.add("W", vcode), k),
        "name": [f"{n}第{r + 1}网格" for n, r in
                 zip(coded["village"].name[village].tolist(), rank.tolist(), strict=True)],
        "level": 4, "parent_code": np.char.add("W", vcode), "division_code": vcode,
        "geom": cells.geoms[order]}))
    out = pd.concat(frames, ignore_index=True).sort_values("code", ignore_index=True)
    out["geom"] = multi(out["geom"].to_numpy())
    return out


def multi(geoms: np.ndarray) -> np.ndarray:
    """Promote polygons to multipolygons (the models store MultiPolygon)."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    return shapely.multipolygons(parts, indices=index)
