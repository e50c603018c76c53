"""Generated enterprises (企业): the chemical park's 40 and ordinary ones across the region.

Everything is vectorised with numpy so a million rows take seconds. Locations are
drawn first; the division is then found by location (STRtree point-in-polygon), so
every enterprise lies inside the village whose code it carries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from data import names as N
from geo.credit_code import ALPHABET, WEIGHTS

PARK_SIZE, PARK_MAJOR_HAZARDS = 40, 9
# Risk levels of the 9 major-hazard (重大危险源) park enterprises: mostly red and orange.
PARK_HAZARD_RISKS = [1, 1, 1, 2, 2, 2, 2, 2, 3]
SUFFIXES = np.array(["有限公司", "股份有限公司", "有限责任公司"])
# (name word, GB/T 4754-2017 code) of the park's trades.
PARK_TRADES = [
    ("石化", "C2511"), ("化工", "C2614"), ("精细化工", "C2662"), ("新材料科技", "C2651"),
    ("化学", "C2619"), ("氯碱化工", "C2612"), ("农化", "C2631"), ("涂料", "C2641"),
    ("医药化工", "C2710"), ("工业气体", "C2619"), ("合成橡胶", "C2652"), ("化纤", "C2653"),
    ("助剂", "C2661"), ("危化品仓储", "G5942"),
]
# (name word, GB/T 4754-2017 code, weight) of trades across the region.
REGION_TRADES = [
    ("化工", "C2614", 6), ("化学", "C2619", 3), ("涂料", "C2641", 2), ("塑胶", "C2922", 5),
    ("制药", "C2710", 3), ("石油化工", "C2511", 1), ("危化品仓储", "G5942", 2),
    ("燃气", "D4511", 2), ("建材", "C3021", 6), ("水泥", "C3011", 2), ("钢铁", "C3120", 2),
    ("金属制品", "C3311", 8), ("机械", "C3499", 9), ("电气", "C3831", 5), ("纺织", "C1711", 6),
    ("服装", "C1811", 4), ("食品", "C1491", 5), ("粮油", "C1331", 3), ("木业", "C2021", 3),
    ("印务", "C2319", 2), ("建设工程", "E4700", 6), ("物流", "G5430", 4), ("矿业", "B1011", 1),
    ("电子科技", "C3971", 5), ("汽车零部件", "C3670", 3),
]
HAZARDOUS = ("C25", "C26", "C27", "G5942", "D4511")
RISK_P = {"ordinary": [0.04, 0.14, 0.32, 0.50], "hazardous": [0.12, 0.28, 0.35, 0.25]}


def credit_codes(county6: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Valid unified social credit codes (GB 32100): "91" (enterprise registered with
    market regulation) + county code + organisation code (GB 11714, with its own check
    digit) + check character. Distinct serials give distinct codes."""
    org8 = (serial.astype(np.int64) * 61_803_399 + 27_182_818) % 10**8  # a bijection on 8 digits
    digits = (org8[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    c9 = 11 - (digits @ np.array([3, 7, 9, 10, 5, 8, 4, 2])) % 11
    org_check = np.where(c9 == 10, "X", np.where(c9 == 11, "0", c9.astype(str)))
    body = np.char.add(np.char.add(np.char.add("91", county6.astype(str)),
                                   np.char.zfill(org8.astype(str), 8)), org_check)
    index = np.frombuffer(body.astype("S17").tobytes(), np.uint8).reshape(-1, 17)
    lookup = np.zeros(256, np.int64)
    lookup[np.frombuffer(ALPHABET.encode(), np.uint8)] = np.arange(len(ALPHABET))
    total = lookup[index] @ np.array(WEIGHTS)
    check = np.array(list(ALPHABET))[(31 - total % 31) % 31]
    return np.char.add(body, check)


def locate(x: np.ndarray, y: np.ndarray, villages: pd.DataFrame) -> np.ndarray:
    """The code of the village containing each point ("" where none does).

    The tree holds the points and each village queries it: the village polygon is
    then prepared once, instead of every point being tested unprepared."""
    tree = shapely.STRtree(shapely.points(x, y))
    polys, pts = tree.query(villages["geom"].to_numpy(), predicate="intersects")
    order = np.lexsort((polys, pts))  # a point on a shared edge: the first village wins
    pts, polys = pts[order], polys[order]
    first = np.unique(pts, return_index=True)[1]
    out = np.full(len(x), "", dtype=object)
    out[pts[first]] = villages["code"].to_numpy()[polys[first]]
    return out


def _points_in(rng, shape, villages: pd.DataFrame, count: int, centres: np.ndarray,
               spread: float) -> tuple[np.ndarray, np.ndarray]:
    """`count` points inside `shape` (70 % clustered around `centres`, 30 % uniform)
    and the code of the village each falls in."""
    x0, y0, x1, y1 = shape.bounds
    shapely.prepare(shape)
    xys, codes, have = [], [], 0
    while have < count:
        n = int((count - have) * 1.6) + 16
        near = rng.random(n) < 0.7
        c = centres[rng.integers(0, len(centres), n)]
        xy = np.where(near[:, None], c + rng.normal(0, spread, (n, 2)),
                      rng.uniform((x0, y0), (x1, y1), (n, 2)))
        xy = np.round(xy, 6)
        xy = xy[shapely.contains_xy(shape, xy[:, 0], xy[:, 1])]
        code = locate(xy[:, 0], xy[:, 1], villages)
        xys.append(xy[code != ""])
        codes.append(code[code != ""])
        have += len(xys[-1])
    return np.concatenate(xys)[:count], np.concatenate(codes)[:count]


def _finish(rng, frame: pd.DataFrame, divisions: pd.DataFrame) -> pd.DataFrame:
    """Credit code, address and column order, from location and serial number."""
    code = frame["division_code"]
    town_names = divisions.set_index("code")["name"]
    town = code.str[:9].add("000").map(town_names).to_numpy().astype(str)
    frame["credit_code"] = credit_codes(code.str[:6].to_numpy().astype(str),
                                        frame["serial"].to_numpy())
    frame["address"] = N.addresses(rng, town)
    return frame[["name", "credit_code", "industry", "division_code", "address",
                  "risk_level", "has_major_hazard", "park", "x", "y"]]


def park_enterprises(rng: np.random.Generator, divisions: pd.DataFrame,
                     park_code: str) -> pd.DataFrame:
    """The chemical park (化工园区): 40 enterprises, 9 with major hazard sources."""
    park = divisions.set_index("code").at[park_code, "geom"]
    villages = divisions[(divisions["level"] == "village")
                         & divisions["code"].str.startswith(park_code[:9])]
    centre = shapely.get_coordinates(shapely.point_on_surface(park))
    spread = np.sqrt(park.area) / 5
    xy, code = _points_in(rng, park, villages, PARK_SIZE, centre, spread)
    trade = N.unique_names(rng, PARK_SIZE, [""] * PARK_SIZE, chars=N.TRADE_CHARS)
    words, industries = (np.array(v) for v in zip(*PARK_TRADES, strict=True))
    pick = rng.integers(0, len(words), PARK_SIZE)
    suffix = SUFFIXES[rng.choice(3, PARK_SIZE, p=[0.6, 0.25, 0.15])]
    risk = np.r_[PARK_HAZARD_RISKS,
                 rng.choice([2, 3, 4], PARK_SIZE - PARK_MAJOR_HAZARDS, p=[0.2, 0.45, 0.35])]
    frame = pd.DataFrame({
        "name": np.char.add(np.char.add(np.array(trade), words[pick]), suffix),
        "industry": industries[pick], "division_code": code, "risk_level": risk,
        "has_major_hazard": np.arange(PARK_SIZE) < PARK_MAJOR_HAZARDS, "park": True,
        "x": xy[:, 0], "y": xy[:, 1], "serial": np.arange(PARK_SIZE)})
    return _finish(rng, frame, divisions)


def ordinary_enterprises(rng: np.random.Generator, divisions: pd.DataFrame, park_code: str,
                         town_seeds: np.ndarray, count: int) -> pd.DataFrame:
    """`count` enterprises around the towns, outside the park, risk levels 1–4."""
    by_code = divisions.set_index("code")["geom"]
    province = divisions.loc[divisions["level"] == "province", "code"].iloc[0]
    region = shapely.difference(by_code[province], by_code[park_code])
    villages = divisions[divisions["level"] == "village"]
    spread = np.sqrt(region.area / len(town_seeds)) / 3
    xy, code = _points_in(rng, region, villages, count, town_seeds, spread)
    words, industries, weights = (np.array(v) for v in zip(*REGION_TRADES, strict=True))
    weights = weights.astype(float)
    pick = rng.choice(len(words), count, p=weights / weights.sum())
    industry = industries[pick]
    hazardous = np.zeros(count, bool)
    for prefix in HAZARDOUS:
        hazardous |= np.char.startswith(industry, prefix)
    risk = np.where(hazardous, rng.choice(4, count, p=RISK_P["hazardous"]),
                    rng.choice(4, count, p=RISK_P["ordinary"])) + 1
    suffix = SUFFIXES[rng.choice(3, count, p=[0.7, 0.1, 0.2])]
    frame = pd.DataFrame({
        "name": np.char.add(np.char.add(N.trade_names(rng, count), words[pick]), suffix),
        "industry": industry, "division_code": code, "risk_level": risk,
        "has_major_hazard": hazardous & (risk == 1) & (rng.random(count) < 0.3),
        "park": False,
        "x": xy[:, 0], "y": xy[:, 1], "serial": np.arange(PARK_SIZE, PARK_SIZE + count)})
    return _finish(rng, frame, divisions)
