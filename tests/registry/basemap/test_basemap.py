"""The base map (底图): generated with the demo region, loaded into public layers, served
through the OGC API and tiles, drawn beneath everything else (real PostGIS)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from django.test import Client

from data.basemap import generate_basemap
from data.demo_basemap import demo_basemap_ensure
from data.divisions import PARK_SITE, build_tree
from data.region import generate_region
from registry.basemap.models import BuiltUpArea, Road, Water
from tests.tiles.conftest import decode, tile_of, tile_url


def _basemap():
    tree = build_tree(np.random.default_rng([7, 0]), "small")
    return tree, generate_basemap(np.random.default_rng([7, 4]), tree.divisions)


def test_generated_base_map_is_the_same_each_time_and_inside_the_province():
    tree, first = _basemap()
    _, again = _basemap()
    for a, b in ((first.water, again.water), (first.roads, again.roads),
                 (first.built_up, again.built_up)):
        assert list(a["name"]) == list(b["name"])
        assert shapely.equals(a["geom"].to_numpy(), b["geom"].to_numpy()).all()
    province = tree.divisions.loc[tree.divisions["level"] == "province", "geom"].iloc[0]
    for frame in (first.water, first.roads, first.built_up):
        geoms = frame["geom"].to_numpy()
        assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
        assert shapely.covers(province.buffer(1e-9), geoms).all()


def test_the_yangtze_runs_past_the_riverside_park_and_every_town_has_a_road():
    tree, base = _basemap()
    river = base.water.loc[base.water["name"] == "长江", "geom"].iloc[0]
    park = shapely.Point(PARK_SITE)
    assert 0 < river.distance(park) < 0.06  # on its bank, not under it
    assert set(base.water["kind"]) == {"river", "lake"}
    d = tree.divisions.set_index("code")
    towns = set(d.index[d["level"] == "town"])
    county_roads = set(base.roads.loc[base.roads["kind"] == "county", "division_code"])
    assert county_roads <= towns
    for code in towns - county_roads:  # only the towns the county seat itself stands in
        seat = shapely.point_on_surface(d.loc[d.loc[code, "parent_code"], "geom"])
        assert d.loc[code, "geom"].buffer(1e-4).contains(seat)
    cities = (tree.divisions["level"] == "city").sum()
    assert (base.roads["kind"] == "expressway").sum() == cities - 1  # a spanning tree


@pytest.mark.django_db
def test_loaded_base_map_is_public_tiled_and_drawn_beneath_the_rest():
    region = generate_region(enterprises=1)
    made = demo_basemap_ensure(region)
    assert made == {"water": Water.objects.count(), "roads": Road.objects.count(),
                    "built_up": BuiltUpArea.objects.count()}
    assert min(made.values()) > 0
    assert set(demo_basemap_ensure(region).values()) == {0}  # once per province

    anonymous = Client()
    items = anonymous.get("/ogc/collections/roads/items?f=json&limit=5").json()
    assert items["numberMatched"] == made["roads"]
    tile = decode(anonymous.get(tile_url("water", *tile_of(*PARK_SITE, 9))))
    assert "长江" in {f["properties"]["name"] for f in tile["water"]["features"]}

    style = anonymous.get("/tiles/style.json").json()
    drawn = [layer["source"] for layer in style["layers"][1:] if layer["type"] != "symbol"]
    base = {"water", "roads", "built_up"}
    first = drawn[:len([s for s in drawn if s in base])]
    assert set(first) == base  # the base map before any business layer, names after all
    assert {layer["type"] for layer in style["layers"][-5:]} == {"symbol"}
    roads = next(layer for layer in style["layers"] if layer["id"] == "roads-line")
    assert roads["paint"]["line-width"] == ["match", ["get", "kind"], "expressway", 3.0,
                                            "provincial", 2.0, "county", 1.0, 2]
