"""Emergency resources of the demo province (应急资源), placed where real ones are.

Every town has a centre: a point of its first village (code …001, the community next to
the town's seed, its urban core). The first town of a county is its seat (县城, 城区), the
first county's seat of a city is the city's, the first city's is the provincial capital.
Resources follow the administrative pattern of the lower Yangtze:

- fire stations (消防站): a station of the county brigade (消防救援大队) in each county seat,
  a special-service station (特勤站) in each city seat, a township full-time brigade
  (政府专职消防队) in each 镇, and the chemical park's special-service station inside it;
- medical facilities (医疗机构): people's and TCM hospitals in city and county seats, a
  health centre in every town (社区卫生服务中心 in 街道, 卫生院 in 镇 and 乡), the
  provincial hospital, a first-aid station in the park;
- shelters (避难场所), sized by population: each town's square holds ~30 % of its people
  at 1.5 m² a head (GB 21734 short-term), county seats add a school gymnasium (2 m² a head),
  city seats a central park (中心避难场所); an evacuation site for the park in the nearest
  town (chemical parks evacuate, nobody shelters inside);
- rescue teams (救援队伍): the park's hazardous-chemicals team, the provincial
  hazardous-chemicals base in the town next to the park, a brigade in each major-hazard
  park enterprise, a county team, a mine-rescue and a volunteer team per city;
- warehouses (物资储备库) with their stock: province, cities, counties (general relief
  stock, smaller further down), and the park's chemical-response stock;
- experts (应急专家) at their employers, emergency organisations (应急救援机构) at each seat.

Deterministic: one random stream, no clock (stock shelf lives are months from loading).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
import shapely.ops

from data import names as N
from data.divisions import PARK_NAME, PROVINCE
from data.enterprises import locate

SQUARE_SHARE = 0.3      # of a town's people its central square shelters
SPREAD = 0.004          # degrees (~400 m): how far from a town's centre its resources sit
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "海燕", "志强", "秀英", "伟", "静", "磊", "敏", "军", "丽", "洋", "勇", "杰",
         "娟", "涛", "明", "国栋", "文华", "立新", "晓东"]
# Relief stock of the provincial reserve (item, unit, quantity, shelf life in months or
# None); a city holds 30 %, a county 8 % of it.
GENERAL_STOCK = [("帐篷", "顶", 3000, None), ("折叠床", "张", 6000, None),
                 ("棉被", "床", 12000, None), ("棉大衣", "件", 5000, None),
                 ("发电机组", "台", 120, None), ("移动照明灯塔", "台", 60, None),
                 ("冲锋舟", "艘", 40, None), ("救生衣", "件", 4000, None),
                 ("压缩饼干", "箱", 8000, 24), ("瓶装饮用水", "箱", 10000, 18),
                 ("医用急救包", "个", 3000, 36)]
LEVEL_SHARE = {"province": 1.0, "city": 0.3, "county": 0.08}
PARK_STOCK = [("重型防化服", "套", 120, None), ("正压式空气呼吸器", "具", 80, None),
              ("可燃气体检测仪", "台", 40, 60), ("有毒气体检测仪", "台", 40, 60),
              ("堵漏工具", "套", 30, None), ("吸附棉", "千克", 5000, None),
              ("围油栏", "米", 2000, None), ("泡沫灭火剂", "吨", 60, 96),
              ("碳酸氢钠（中和剂）", "吨", 20, 36), ("洗消帐篷", "顶", 6, None)]
OUTDOOR = "应急供水、应急供电、应急厕所、应急广播、医疗救护点"
INDOOR = "应急供水、应急照明、应急厕所、床位、通风设施"
EXPERT_FIELDS = {"capital": ["危险化学品", "消防", "矿山安全", "特种设备", "职业卫生", "应急管理"],
                 "city": ["危险化学品", "消防", "建筑施工"],
                 "park": ["化工工艺", "危险化学品", "电气安全", "环境应急"]}
COLUMNS = {  # each layer's own columns besides name, address, contact, phone, the point
    "fire_stations": [], "medical_facilities": [], "emergency_organisations": [],
    "warehouses": [], "experts": ["field"],
    "rescue_teams": ["members", "speciality", "equipment"],
    "shelters": ["kind", "area_m2", "capacity", "facilities", "status"],
}


@dataclass
class Resources:
    frames: dict[str, pd.DataFrame]  # layer id -> name, address, contact, phone, x, y,
    #                                  division_code and the layer's COLUMNS
    stock: pd.DataFrame              # warehouse (its name), item, quantity, unit, shelf_months
    population: pd.Series            # town code -> residents, what the shelters are sized by

    def __len__(self) -> int:
        return sum(len(f) for f in self.frames.values())


def emergency_resources(rng: np.random.Generator, divisions: pd.DataFrame, park_code: str,
                        enterprises: pd.DataFrame) -> Resources:
    towns = town_seats(rng, divisions, park_code)
    _park_centre_among_plants(towns, enterprises)
    rows: list[dict] = []
    _fire_and_medical(rows, towns)
    _shelters(rng, rows, towns)
    _teams(rng, rows, towns, enterprises)
    stock = _warehouses(rng, rows, towns)
    _experts_and_organisations(rows, towns)
    placed = _place(rng, pd.DataFrame(rows), divisions)
    frames = {layer: placed.loc[placed["layer"] == layer,
                                ["name", "address", "contact", "phone", "x", "y",
                                 "division_code", *cols]].reset_index(drop=True)
                     .astype({c: int for c in ("members", "capacity") if c in cols})
              for layer, cols in COLUMNS.items()}
    return Resources(frames, stock, towns.set_index("code")["population"])


# ---- where: town centres, seats, population ---------------------------------------------
def town_seats(rng: np.random.Generator, divisions: pd.DataFrame,
               park_code: str) -> pd.DataFrame:
    """One row per town: code, name, stem (name without 街道/镇/乡), kind, county and city
    names, centre (cx, cy), polygon, population and whether it is a county, city or
    provincial seat."""
    d = divisions.set_index("code")
    villages = divisions[divisions["level"] == "village"].sort_values("code")
    people = np.where(villages["code"].str[9:].astype(int) < 200,   # 社区 / 村
                      rng.integers(3000, 9000, len(villages)),
                      rng.integers(1000, 3200, len(villages)))
    pop = pd.Series(people, index=villages["code"].str[:9]).groupby(level=0).sum()
    first = villages.groupby(villages["code"].str[:9])["geom"].first()
    towns = divisions[divisions["level"] == "town"].sort_values("code").copy()
    key = towns["code"].str[:9]
    centre = shapely.get_coordinates(shapely.point_on_surface(first.loc[key].to_numpy()))
    towns["cx"], towns["cy"] = centre[:, 0], centre[:, 1]
    towns["population"] = pop.loc[key].to_numpy()
    local = towns["code"].str[6:9]
    towns["kind"] = np.select([towns["code"] == park_code, local < "100", local < "200"],
                              ["park", "街道", "镇"], "乡")
    towns["stem"] = towns["name"].str.replace(r"(街道|镇|乡)$", "", regex=True)
    towns["county"] = towns["code"].str[:6].add("000000").map(d["name"])
    towns["city"] = towns["code"].str[:4].add("00000000").map(d["name"])
    ordinary = towns[towns["kind"] != "park"]
    seats = ordinary.groupby(ordinary["code"].str[:6])["code"].first()
    towns["county_seat"] = towns["code"].isin(seats)
    city_seats = seats.groupby(seats.index.str[:4]).first()
    towns["city_seat"] = towns["code"].isin(city_seats)
    towns["capital"] = towns["code"] == city_seats.iloc[0]
    return towns.reset_index(drop=True)


def _park_centre_among_plants(towns: pd.DataFrame, enterprises: pd.DataFrame) -> None:
    """The park's services sit among its plants (their median point), not at the first
    village's centre: a special-service fire station is built to reach them in minutes."""
    plants = enterprises[enterprises["park"]]
    park = towns.index[towns["kind"] == "park"][0]
    x, y = float(plants["x"].median()), float(plants["y"].median())
    if shapely.contains_xy(towns.at[park, "geom"], x, y):
        towns.loc[park, ["cx", "cy"]] = [x, y]


def _row(rows: list[dict], layer: str, name: str, town, *, at=None, spread=SPREAD,
         **extra) -> None:
    """A resource near `town`'s centre (or at `at`, a point), inside the town."""
    x, y = at if at is not None else (town.cx, town.cy)
    rows.append({"layer": layer, "name": name, "ax": x, "ay": y, "spread": spread,
                 "area": town.geom, "place": town["name"], **extra})


# ---- what ---------------------------------------------------------------------------------
def _fire_and_medical(rows: list[dict], towns: pd.DataFrame) -> None:
    for _i, t in towns.iterrows():
        if t.kind == "park":
            _row(rows, "fire_stations", f"{PARK_NAME}特勤消防站", t)
            _row(rows, "medical_facilities", f"{PARK_NAME}急救站", t)
            continue
        if t.capital:
            _row(rows, "medical_facilities", f"{PROVINCE[1]}人民医院", t)
        if t.city_seat:
            _row(rows, "fire_stations", f"{t.city}消防救援支队特勤消防站", t)
            for suffix in ("第一人民医院", "中医院", "急救中心"):
                _row(rows, "medical_facilities", f"{t.city}{suffix}", t)
        if t.county_seat:
            _row(rows, "fire_stations", f"{t.county}消防救援大队{t.stem}消防救援站", t)
            for suffix in ("人民医院", "中医院"):
                _row(rows, "medical_facilities", f"{t.county}{suffix}", t)
        elif t.kind == "镇":
            _row(rows, "fire_stations", f"{t['name']}政府专职消防队", t)
        health = "社区卫生服务中心" if t.kind == "街道" else "卫生院"
        _row(rows, "medical_facilities", f"{t['name']}{health}", t)


def _shelter(rows, t, name: str, kind: str, capacity: int, per_head: float, status: str,
             **where):
    _row(rows, "shelters", name, t, **where, kind=kind, capacity=capacity,
         area_m2=float(capacity * per_head), status=status,
         facilities=OUTDOOR if kind == "outdoor" else INDOOR)


def _shelters(rng: np.random.Generator, rows: list[dict], towns: pd.DataFrame) -> None:
    ordinary = towns[towns["kind"] != "park"]
    status = rng.choice(["certified", "evaluating", "inspecting"], len(ordinary),
                        p=[0.85, 0.1, 0.05])
    city_pop = ordinary.groupby("city")["population"].sum()
    for (_i, t), s in zip(ordinary.iterrows(), status, strict=True):
        square = int(round(t.population * SQUARE_SHARE, -2))
        _shelter(rows, t, f"{t['name']}中心广场应急避难场所", "outdoor", square, 1.5, s)
        if t.county_seat:
            _shelter(rows, t, f"{t.county}第一中学体育馆应急避难场所", "indoor",
                     int(round(t.population * 0.05, -2)), 2.0, "certified")
        if t.city_seat:
            _shelter(rows, t, f"{t.city}中心公园应急避难场所", "outdoor",
                     int(round(city_pop[t.city] * 0.05, -3)), 2.0, "certified")
    near, gate = beside_park(towns)
    _shelter(rows, near, f"{PARK_NAME}应急疏散安置点（{near['name']}）", "outdoor",
             5000, 1.5, "certified", at=gate, spread=2 * SPREAD)


def beside_park(towns: pd.DataFrame) -> tuple[pd.Series, tuple[float, float]]:
    """The town bordering the park closest to the park's centre, and the point of that
    border nearest the centre: where the park's outside help and evacuees gather."""
    park = towns[towns["kind"] == "park"].iloc[0]
    others = towns[towns["kind"] != "park"]
    neighbours = others[shapely.distance(others["geom"].to_numpy(), park.geom) < 1e-9]
    centre = shapely.Point(park.cx, park.cy)
    gates = [shapely.ops.nearest_points(g, centre)[0] for g in neighbours["geom"]]
    best = int(np.argmin([g.distance(centre) for g in gates]))
    return neighbours.iloc[best], (gates[best].x, gates[best].y)


def _team(rows, t, name: str, members: int, speciality: str, equipment: str, **kw):
    _row(rows, "rescue_teams", name, t, members=members, speciality=speciality,
         equipment=equipment, **kw)


def _teams(rng: np.random.Generator, rows: list[dict], towns: pd.DataFrame,
           enterprises: pd.DataFrame) -> None:
    park = towns[towns["kind"] == "park"].iloc[0]
    _team(rows, park, f"{PARK_NAME}危险化学品专业应急救援队", 80, "危险化学品救援",
          "重型泡沫消防车、防化洗消车、侦检车、堵漏器材、正压式空气呼吸器")
    near, gate = beside_park(towns)
    _team(rows, near, f"国家危险化学品应急救援{PROVINCE[1][:2]}沿江队", 150, "危险化学品救援",
          "大功率泡沫消防车、远程供水系统、化学事故抢险救援车", at=gate)
    major = enterprises[enterprises["park"] & enterprises["has_major_hazard"]]
    for e, n in zip(major.itertuples(index=False), rng.integers(12, 31, len(major)),
                    strict=True):
        _team(rows, park, f"{e.name}专职消防队", int(n), "企业专职消防",
              "泡沫消防车、空气呼吸器、气体检测仪", at=(e.x, e.y), spread=0.0004,
              address=e.address)
    for _i, t in towns.iterrows():
        if t.county_seat:
            _team(rows, t, f"{t.county}应急救援综合队", int(rng.integers(30, 61)),
                  "综合应急救援", "抢险救援车、冲锋舟、移动照明车、破拆工具")
        if t.city_seat:
            _team(rows, t, f"{t.city}矿山救护队", int(rng.integers(40, 71)), "矿山救护",
                  "正压氧气呼吸器、多种气体检测仪、矿山救护车")
            _team(rows, t, f"{t.city}蓝天救援队", int(rng.integers(60, 121)),
                  "水域救援、山地搜救", "救援艇、无人机、卫星电话")
        if t.capital:
            _team(rows, t, f"{PROVINCE[1]}电力应急抢修队", 90, "电力抢修",
                  "应急发电车、抢修工程车、照明设备")


def _warehouses(rng: np.random.Generator, rows: list[dict], towns: pd.DataFrame) -> pd.DataFrame:
    """Warehouses as rows, and their stock."""
    stock: list[tuple] = []
    for _i, t in towns.iterrows():
        for level, name, wanted in (("province", f"{PROVINCE[1]}应急物资储备库", t.capital),
                                    ("city", f"{t.city}应急物资储备库", t.city_seat),
                                    ("county", f"{t.county}应急物资储备库", t.county_seat)):
            if not wanted:
                continue
            _row(rows, "warehouses", name, t)
            jitter = rng.uniform(0.8, 1.2, len(GENERAL_STOCK))
            stock += [(name, item, max(1, int(q * LEVEL_SHARE[level] * j)), unit, shelf)
                      for (item, unit, q, shelf), j in zip(GENERAL_STOCK, jitter, strict=True)]
    park = towns[towns["kind"] == "park"].iloc[0]
    name = f"{PARK_NAME}危险化学品应急物资储备库"
    _row(rows, "warehouses", name, park)
    stock += [(name, item, q, unit, shelf) for item, unit, q, shelf in PARK_STOCK]
    return pd.DataFrame(stock, columns=["warehouse", "item", "quantity", "unit",
                                        "shelf_months"])


def _experts_and_organisations(rows: list[dict], towns: pd.DataFrame) -> None:
    n = 0
    for _i, t in towns.iterrows():
        groups = [("capital", f"{PROVINCE[1]}安全生产科学研究院")] if t.capital else []
        groups += [("city", f"{t.city}安全生产协会")] if t.city_seat else []
        groups += [("park", f"{PARK_NAME}管理委员会")] if t.kind == "park" else []
        for group, employer in groups:
            for field in EXPERT_FIELDS[group]:
                _row(rows, "experts", SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                     t, field=field, address=employer)
                n += 1
        for wanted, name in ((t.capital, f"{PROVINCE[1]}应急救援指挥中心"),
                             (t.city_seat, f"{t.city}应急救援指挥中心"),
                             (t.county_seat, f"{t.county}应急救援指挥中心"),
                             (t.kind == "park", f"{PARK_NAME}应急救援指挥中心")):
            if wanted:
                _row(rows, "emergency_organisations", name, t)


# ---- placing, addresses, people -----------------------------------------------------------
def _place(rng: np.random.Generator, rows: pd.DataFrame, divisions: pd.DataFrame) -> pd.DataFrame:
    """Each row at a random point near its anchor inside its town (up to 30 tries, else
    the anchor itself), the village containing it, an address, a contact and a phone."""
    n = len(rows)
    ax, ay = rows["ax"].to_numpy(float), rows["ay"].to_numpy(float)
    spread, areas = rows["spread"].to_numpy(float), rows["area"].to_numpy()
    x, y = ax.copy(), ay.copy()
    todo = np.ones(n, bool)
    for _ in range(30):
        k = int(todo.sum())
        if not k:
            break
        cx = np.round(ax[todo] + rng.normal(0, 1, k) * spread[todo], 6)
        cy = np.round(ay[todo] + rng.normal(0, 1, k) * spread[todo], 6)
        inside = shapely.contains_xy(areas[todo], cx, cy)
        idx = np.flatnonzero(todo)[inside]
        x[idx], y[idx] = cx[inside], cy[inside]
        todo[idx] = False
    villages = divisions[divisions["level"] == "village"]
    out = rows.drop(columns=["ax", "ay", "spread", "area"]).assign(x=x, y=y)
    out["division_code"] = locate(x, y, villages)
    streets = N.addresses(rng, out["place"].to_numpy().astype(str))
    given = out["address"] if "address" in out else pd.Series(np.nan, index=out.index)
    out["address"] = given.where(given.notna(), streets)  # a firm's team: the firm's address
    experts = (out["layer"] == "experts").to_numpy()
    out["contact"] = np.where(experts, "", [_person(i) for i in range(n)])
    out["phone"] = np.where(experts, [f"139{(i * 7919) % 10**8:08d}" for i in range(n)],
                            [f"0551-6{(i * 104729) % 10**6:06d}" for i in range(n)])
    return out


def _person(i: int) -> str:
    return SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 3 + 1) % len(GIVEN)]
