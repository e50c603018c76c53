"""The generator alone (no database): determinism, codes, nesting, the park."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely

from data.region import generate_region
from geo.credit_code import validate_credit_code
from geo.models import LEVEL_DIGITS


@pytest.fixture(scope="module")
def region():
    return generate_region()


def test_same_seed_same_bytes_other_seed_other_data(region):
    assert generate_region().digest() == region.digest()
    assert generate_region(seed=7).digest() != region.digest()


def test_more_enterprises_keep_the_divisions_and_the_park(region):
    bigger = generate_region(enterprises=2000)
    assert bigger.divisions["code"].tolist() == region.divisions["code"].tolist()
    assert shapely.equals_exact(bigger.divisions["geom"].to_numpy(),
                                region.divisions["geom"].to_numpy(), 0).all()
    assert bigger.enterprises[bigger.enterprises["park"]].equals(
        region.enterprises[region.enterprises["park"]])


def test_division_counts_and_codes(region):
    d = region.divisions
    assert d["level"].value_counts().to_dict() == {
        "province": 1, "city": 3, "county": 12, "town": 72, "village": 600}
    assert d["code"].is_unique and d["code"].str.fullmatch(r"39\d{10}").all()
    for code, level, parent in d[["code", "level", "parent_code"]].itertuples(False):
        digits = LEVEL_DIGITS[level]
        assert code[digits:] == "0" * (12 - digits)
        assert code[:digits].rstrip("0") or level == "province"
        if parent is not None:
            parent_level = d.set_index("code").at[parent, "level"]
            assert code.startswith(parent[:LEVEL_DIGITS[parent_level]])
    assert d.set_index("code").at[region.park_code, "name"] == "沿江化工园区"
    assert region.park_code[6:9] == "400"  # 类似乡级单位: parks and development zones


def test_polygons_are_valid_and_nest_exactly(region):
    d = region.divisions.set_index("code")
    geoms = d["geom"].to_numpy()
    assert shapely.is_valid(geoms).all()
    assert (shapely.get_type_id(geoms) == 6).all()  # MultiPolygon
    children = d[d["parent_code"].notna()]
    parents = d.loc[children["parent_code"], "geom"].to_numpy()
    assert shapely.covers(parents, children["geom"].to_numpy()).all()
    for level in ("city", "county", "town", "village"):  # each level tiles the province
        union = shapely.coverage_union_all(d.loc[d["level"] == level, "geom"].to_numpy())
        assert union.symmetric_difference(d.iloc[0]["geom"]).area < 1e-9


def test_grid_cells(region):
    g = region.grid
    assert g["level"].value_counts().to_dict() == {1: 12, 2: 72, 3: 600, 4: 1796}
    assert g["code"].is_unique and g["code"].str.len().max() <= 32
    by_code = g.set_index("code")
    child = g[g["parent_code"].notna()]
    assert (by_code.loc[child["parent_code"], "level"].to_numpy() == child["level"] - 1).all()
    assert shapely.covers(by_code.loc[child["parent_code"], "geom"].to_numpy(),
                          child["geom"].to_numpy()).all()
    assert set(g["division_code"]) <= set(region.divisions["code"])


def test_park_has_40_enterprises_9_with_major_hazards(region):
    e = region.enterprises
    park = e[e["park"]]
    assert len(park) == 40 and len(e) == 1240
    assert park["division_code"].str.startswith(region.park_code[:9]).all()
    assert not e.loc[~e["park"], "division_code"].str.startswith(region.park_code[:9]).any()
    hazards = park[park["has_major_hazard"]]
    assert sorted(hazards["risk_level"]) == [1, 1, 1, 2, 2, 2, 2, 2, 3]
    assert park["name"].is_unique
    assert park["industry"].str.match(r"^(C2[5-7]|G5942)").all()


def test_enterprise_codes_and_locations(region):
    e = region.enterprises
    assert e["credit_code"].is_unique
    for code in e["credit_code"]:
        validate_credit_code(code)
    assert e["industry"].str.fullmatch(r"[A-T]\d{2}(\d{1,2})?").all()
    assert sorted(e["risk_level"].unique()) == [1, 2, 3, 4]
    assert e["name"].str.endswith("公司").all()
    d = region.divisions.set_index("code")
    polygons = d.loc[e["division_code"], "geom"].to_numpy()
    assert (d.loc[e["division_code"], "level"] == "village").all()
    assert shapely.covers(polygons, shapely.points(e["x"], e["y"])).all()
    assert np.isclose(e["x"], e["x"].round(6)).all()
    assert re.fullmatch(r"91\d{6}\d{8}[0-9X][0-9A-HJ-NPQRTUWXY]", e.at[0, "credit_code"])


def test_province_sized_tree_for_benchmarks():
    """The --scale tree: a real province's counts, codes within their ranges, exact nesting."""
    big = generate_region(size="province", enterprises=1000)
    d = big.divisions
    assert d["level"].value_counts().to_dict() == {
        "province": 1, "city": 13, "county": 95, "town": 1250, "village": 19000}
    assert d["code"].is_unique and big.grid["code"].is_unique
    assert len(big.grid) == 95 + 1250 + 19000 + (big.grid["level"] == 4).sum()
    towns = d.loc[d["level"] == "town", "code"].str[6:9].astype(int)
    villages = d.loc[d["level"] == "village", "code"].str[9:].astype(int)
    assert towns.between(1, 599).all() and villages.between(1, 399).all()
    by_code = d.set_index("code")
    child = d[d["parent_code"].notna()]
    assert shapely.covers(by_code.loc[child["parent_code"], "geom"].to_numpy(),
                          child["geom"].to_numpy()).all()
    e = big.enterprises
    assert len(e) == 1040 and e["credit_code"].is_unique
    assert shapely.covers(by_code.loc[e["division_code"], "geom"].to_numpy(),
                          shapely.points(e["x"], e["y"])).all()


def test_identical_in_another_process(region):
    """No hidden dependence on hash seeds or process state."""
    import os
    import subprocess
    import sys

    code = "from data.region import generate_region; print(generate_region().digest())"
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, cwd=os.path.dirname(os.path.dirname(
                             os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == region.digest()


# ---- emergency resources (data/resources.py) ----------------------------------------------
def test_resources_of_every_layer_inside_the_village_they_name(region):
    frames = region.resources.frames
    assert {layer: len(f) for layer, f in frames.items()} == {
        "fire_stations": 35, "medical_facilities": 106, "emergency_organisations": 17,
        "warehouses": 17, "experts": 19, "rescue_teams": 30, "shelters": 87}
    d = region.divisions.set_index("code")
    for frame in frames.values():
        assert (d.loc[frame["division_code"], "level"] == "village").all()
        assert shapely.covers(d.loc[frame["division_code"], "geom"].to_numpy(),
                              shapely.points(frame["x"], frame["y"])).all()
        assert frame["name"].is_unique and np.isclose(frame["x"], frame["x"].round(6)).all()
    stock = region.resources.stock
    assert set(stock["warehouse"]) == set(frames["warehouses"]["name"])


def test_resources_do_not_move_with_more_enterprises(region):
    bigger = generate_region(enterprises=2000)
    for layer, frame in region.resources.frames.items():
        assert frame.equals(bigger.resources.frames[layer]), layer
    assert region.resources.stock.equals(bigger.resources.stock)


def test_fire_stations_and_hospitals_in_the_seats_shelters_by_population(region):
    f = region.resources.frames
    fire = f["fire_stations"]["name"]
    assert fire.str.endswith("消防救援支队特勤消防站").sum() == 3     # one per city
    assert fire.str.contains("消防救援大队").sum() == 12            # one per county
    assert (fire == "沿江化工园区特勤消防站").sum() == 1
    assert f["medical_facilities"]["name"].str.endswith("人民医院").sum() == 1 + 3 + 12
    squares = f["shelters"][f["shelters"]["name"].str.endswith("中心广场应急避难场所")]
    town = squares["division_code"].str[:9] + "000"
    people = region.resources.population
    assert len(people) == 72 and people.between(5_000, 200_000).all()
    assert (squares["capacity"] == (people[town].to_numpy() * 0.3).round(-2)).all()
    assert (squares["area_m2"] == squares["capacity"] * 1.5).all()   # GB 21734: 1.5 m² a head
