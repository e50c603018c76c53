"""The demo province's base map as plain data: water, roads and built-up areas, so a map
of a fictional place still orients (the Yangtze below the riverside park, expressways
between the city seats, roads out to every county and town, the towns' built-up areas).

Generated from the division tree alone (same seed, same base map): seats are the
divisions' points on surface, roads join them by minimum spanning trees, the river
meanders past the park's south edge. Plain shapely and numpy; the loader writes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
import shapely.affinity
import shapely.ops

from data.divisions import PARK_SITE

RIVER_WIDTH = 0.012     # degrees (~1.2 km): the lower Yangtze
TRIBUTARY_WIDTH = 0.003
BUILT_UP = {"city": 0.045, "county": 0.022, "town": 0.007}  # radius in degrees by seat
ROAD_KINDS = {"city": "expressway", "county": "provincial", "town": "county"}


@dataclass
class Basemap:
    water: pd.DataFrame     # name, kind (river / lake), division_code, geom (polygon)
    roads: pd.DataFrame     # name, kind (expressway / provincial / county), division_code, geom
    built_up: pd.DataFrame  # name, division_code, geom (polygon)


def generate_basemap(rng: np.random.Generator, divisions: pd.DataFrame) -> Basemap:
    province = divisions.loc[divisions["level"] == "province"].iloc[0]
    outline = province["geom"]
    seats = _seats(divisions)
    return Basemap(water=_water(rng, outline, province["code"], seats),
                   roads=_roads(rng, outline, seats),
                   built_up=_built_up(rng, seats, divisions))


def _seats(divisions: pd.DataFrame) -> pd.DataFrame:
    """One seat per city, county and town: its polygon's point on surface."""
    d = divisions.loc[divisions["level"].isin(list(BUILT_UP))]
    points = shapely.point_on_surface(d["geom"].to_numpy())
    return pd.DataFrame({"code": d["code"].to_numpy(), "name": d["name"].to_numpy(),
                         "level": d["level"].to_numpy(), "parent": d["parent_code"].to_numpy(),
                         "x": shapely.get_x(points), "y": shapely.get_y(points)})


def _meander(rng, start, end, *, amplitude: float, waves: float, steps: int = 240):
    """A line from `start` to `end` swinging sideways by up to `amplitude` degrees."""
    t = np.linspace(0.0, 1.0, steps)
    start, end = np.asarray(start, float), np.asarray(end, float)
    along = start + np.outer(t, end - start)
    normal = np.array([-(end - start)[1], (end - start)[0]])
    normal /= np.hypot(*normal)
    phase = rng.uniform(0, 2 * np.pi, 2)
    swing = amplitude * (np.sin(2 * np.pi * waves * t + phase[0])
                         + 0.35 * np.sin(2 * np.pi * 2.7 * waves * t + phase[1]))
    # the ends stay where they are asked to be
    return shapely.LineString(along + np.outer(swing * np.sin(np.pi * t) ** 0.3, normal))


def _water(rng, outline, province_code: str, seats: pd.DataFrame) -> pd.DataFrame:
    """The Yangtze just south of the park, west to east across the province, one
    tributary from a county seat down to it, and two lakes."""
    x0, y0, x1, y1 = outline.bounds
    bank = (PARK_SITE[0], PARK_SITE[1] - 0.035)
    slope = 0.18  # the lower Yangtze runs east by north-east
    west = (x0 - 0.1, bank[1] - slope * (bank[0] - x0 + 0.1))
    east = (x1 + 0.1, bank[1] + slope * (x1 + 0.1 - bank[0]))
    # two reaches that meet at the park's bank, so the park always stands by the river
    reaches = [_meander(rng, west, bank, amplitude=0.03, waves=1.0),
               _meander(rng, bank, east, amplitude=0.03, waves=1.0)]
    river = shapely.LineString(np.vstack([shapely.get_coordinates(r) for r in reaches]))
    rows = [("长江", "river", river.buffer(RIVER_WIDTH / 2, quad_segs=4))]
    counties = seats.loc[seats["level"] == "county"]
    far = counties.iloc[int(np.argmax(shapely.distance(
        river, shapely.points(counties[["x", "y"]].to_numpy()))))]
    mouth = shapely.ops.nearest_points(river, shapely.Point(far["x"], far["y"]))[0]
    tributary = _meander(rng, (far["x"], far["y"]), (mouth.x, mouth.y), amplitude=0.02,
                         waves=1.5, steps=120)
    rows.append((far["name"][:2] + "河", "river", tributary.buffer(TRIBUTARY_WIDTH / 2)))
    towns = seats.loc[seats["level"] == "town"]
    centres = shapely.points(towns[["x", "y"]].to_numpy() + [0.05, 0.03])
    # lakes lie in the countryside: away from the park and off the river
    clear = (shapely.distance(centres, shapely.Point(PARK_SITE)) > 0.3) & \
        (shapely.distance(centres, river) > 0.08)
    for i in rng.choice(np.flatnonzero(clear), 2, replace=False):
        town, centre = towns.iloc[int(i)], centres[int(i)]
        lake = shapely.affinity.scale(centre.buffer(0.03), 1.6, 0.8)
        lake = shapely.affinity.rotate(lake, float(rng.uniform(0, 180)))
        rows.append((town["name"][:2] + "湖", "lake", lake))
    frame = pd.DataFrame(rows, columns=["name", "kind", "geom"])
    frame["geom"] = shapely.intersection(frame["geom"].to_numpy(), outline)
    frame["division_code"] = province_code
    return frame.loc[~shapely.is_empty(frame["geom"].to_numpy())].reset_index(drop=True)


def _tree_edges(points: np.ndarray) -> list[tuple[int, int]]:
    """A minimum spanning tree (Prim) over a few dozen points."""
    n = len(points)
    if n < 2:
        return []
    inside, edges = {0}, []
    best = np.hypot(*(points - points[0]).T)
    source = np.zeros(n, int)
    best[0] = np.inf
    for _ in range(n - 1):
        j = int(np.argmin(best))
        edges.append((int(source[j]), j))
        inside.add(j)
        d = np.hypot(*(points - points[j]).T)
        closer = d < best
        source[closer], best[closer] = j, d[closer]
        best[list(inside)] = np.inf
    return edges


def _roads(rng, outline, seats: pd.DataFrame) -> pd.DataFrame:
    """Expressways join the city seats, provincial roads the county seats (a tree each),
    every town seat has a county road to its county's seat."""
    rows = []
    for level, prefix in (("city", "G"), ("county", "S")):
        s = seats.loc[seats["level"] == level].reset_index(drop=True)
        xy = s[["x", "y"]].to_numpy()
        for k, (a, b) in enumerate(_tree_edges(xy)):
            line = _meander(rng, xy[a], xy[b], amplitude=0.01, waves=1.0, steps=24)
            rows.append((f"{prefix}{k + 11}{s['name'][a][:1]}{s['name'][b][:1]}"
                         f"{'高速' if level == 'city' else '省道'}",
                         ROAD_KINDS[level], s["code"][a], line))
    counties = seats.loc[seats["level"] == "county"].set_index("code")
    towns = seats.loc[seats["level"] == "town"]
    for k, town in enumerate(towns.itertuples()):
        if town.parent not in counties.index:
            continue
        seat = counties.loc[town.parent]
        if np.hypot(town.x - seat["x"], town.y - seat["y"]) < 1e-4:
            continue  # the town is the county seat's own
        line = _meander(rng, (town.x, town.y), (seat["x"], seat["y"]), amplitude=0.004,
                        waves=1.0, steps=16)
        rows.append((f"X{k + 101}{town.name[:2]}线", "county", town.code, line))
    frame = pd.DataFrame(rows, columns=["name", "kind", "division_code", "geom"])
    frame["geom"] = shapely.intersection(frame["geom"].to_numpy(), outline)
    return frame.loc[~shapely.is_empty(frame["geom"].to_numpy())].reset_index(drop=True)


def _built_up(rng, seats: pd.DataFrame, divisions: pd.DataFrame) -> pd.DataFrame:
    """An irregular blob around each seat, inside its own division."""
    shapes = dict(zip(divisions["code"], divisions["geom"], strict=True))
    rows = []
    for seat in seats.itertuples():
        r = BUILT_UP[seat.level]
        offsets = rng.normal(0, r * 0.45, (5, 2))
        blob = shapely.union_all([shapely.Point(seat.x + dx, seat.y + dy).buffer(
            r * rng.uniform(0.45, 0.8), quad_segs=6) for dx, dy in offsets])
        blob = shapely.intersection(blob, shapes[seat.code])
        if not blob.is_empty:
            rows.append((f"{seat.name}城区", seat.code, blob))
    return pd.DataFrame(rows, columns=["name", "division_code", "geom"])
