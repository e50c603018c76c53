"""Vector tiles: features, zoom ranges, coordinates, composites, errors."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from geo.credit_code import make_credit_code
from registry.enterprises.models import Enterprise
from tests.tiles.conftest import decode, names, tile_of, tile_url

A_NAMES = {f"测试化工{i}号有限公司" for i in range(1, 6)}
B_NAMES = {f"测试化工{i}号有限公司" for i in range(11, 14)}
CENTRE = (118.45, 32.15)  # z9 tile 424/207 holds both counties


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def test_tile_has_every_feature_with_declared_properties(admin, world):
    tile = decode(admin.get(tile_url("enterprises", *tile_of(*CENTRE, 9))))
    assert set(tile) == {"enterprises"}
    assert names(tile) == A_NAMES | B_NAMES
    first = world.enterprises_a[0]
    tile = decode(admin.get(tile_url("enterprises", *tile_of(first.geom.x, first.geom.y, 14))))
    feature = next(f for f in tile["enterprises"]["features"] if f["id"] == first.pk)
    assert feature["properties"] == {
        "id": first.pk, "name": "测试化工1号有限公司", "credit_code": first.credit_code,
        "industry": "C2614", "risk_level": 2, "division_code": "320101001001",
        "address": "测试路1号", "has_major_hazard": True, "status": "registered",
    }
    assert feature["geometry"]["type"] == "Point"


def test_thinned_zoom_carries_only_the_colour(admin, world):
    first = world.enterprises_a[0]
    tile = decode(admin.get(tile_url("enterprises", *tile_of(first.geom.x, first.geom.y, 9))))
    feature = next(f for f in tile["enterprises"]["features"] if f["id"] == first.pk)
    assert feature["properties"] == {"id": first.pk, "risk_level": 2}


def test_feature_lands_in_its_own_tile_only(admin, world):
    ent = world.enterprises_a[2]
    z, x, y = tile_of(ent.geom.x, ent.geom.y, 14)
    assert names(decode(admin.get(tile_url("enterprises", z, x, y)))) == {ent.name}
    assert admin.get(tile_url("enterprises", z, x + 6, y)).status_code == 204
    assert admin.get(tile_url("enterprises", z, x, y + 6)).status_code == 204


def test_feature_position_inside_the_tile(admin, world):
    ent = world.enterprises_b[0]
    z, x, y = tile_of(ent.geom.x, ent.geom.y, 16)
    tile = decode(admin.get(tile_url("enterprises", z, x, y)))
    px, py = tile["enterprises"]["features"][0]["geometry"]["coordinates"]
    # Expected position in tile units (4096 per side, y up as mapbox_vector_tile decodes).
    n = 2**z
    fx = ((ent.geom.x + 180.0) / 360.0 * n - x) * 4096
    _, _, y_exact = tile_of(ent.geom.x, ent.geom.y, z + 12)  # 4096 = 2**12 sub-tiles
    fy = 4096 - (y_exact - y * 4096)
    assert abs(px - fx) <= 1 and abs(py - fy) <= 1


def test_zoom_outside_the_layer_range_is_an_empty_tile(admin, world):
    assert admin.get(tile_url("enterprises", *tile_of(*CENTRE, 5))).status_code == 204
    assert names(decode(admin.get(tile_url("enterprises", *tile_of(*CENTRE, 6))))) \
        == A_NAMES | B_NAMES
    # grid_cells starts at zoom 8: at 7 the composite keeps only the layers in range
    tile = decode(admin.get(tile_url("divisions,grid_cells", *tile_of(*CENTRE, 7))))
    assert set(tile) == {"divisions", "divisions_label"}


def test_composite_tile_has_one_layer_per_id(admin, world):
    tile = decode(admin.get(tile_url("divisions,enterprises", *tile_of(*CENTRE, 9))))
    assert set(tile) == {"divisions", "divisions_label", "enterprises"}
    assert {f["properties"]["name"] for f in tile["divisions"]["features"]} \
        == {"测试省", "测试市", "甲县", "乙县"}
    assert {f["properties"]["id"] for f in tile["divisions"]["features"]} \
        == {"320000000000", "320100000000", "320101000000", "320102000000"}
    assert names(tile) == A_NAMES | B_NAMES


def test_polygon_names_are_one_point_each_in_the_band_of_the_tiles_zoom(admin, world):
    """Divisions' label points: only the level named at this zoom (counties from 8.5 to
    10.5, so a z9 tile), each a point in the one tile that holds it."""
    z9 = decode(admin.get(tile_url("divisions", *tile_of(*CENTRE, 9))))["divisions_label"]
    assert sorted(f["properties"]["name"] for f in z9["features"]) == ["乙县", "甲县"]
    assert {f["geometry"]["type"] for f in z9["features"]} == {"Point"}
    z6 = decode(admin.get(tile_url("divisions", *tile_of(*CENTRE, 6))))["divisions_label"]
    assert [f["properties"]["name"] for f in z6["features"]] == ["测试市"]  # cities: 6–8.5
    seen = []
    for dx in (-1, 0, 1):  # the neighbours of the z9 tile hold no second 甲县 / 乙县
        for dy in (-1, 0, 1):
            z, x, y = tile_of(*CENTRE, 9)
            response = admin.get(tile_url("divisions", z, x + dx, y + dy))
            if response.status_code == 200:
                labels = decode(response).get("divisions_label", {"features": []})
                seen += [f["properties"]["name"] for f in labels["features"]]
    assert sorted(seen) == ["乙县", "甲县"]


@pytest.mark.parametrize(("path", "status"), [
    ("/tiles/nope/10/0/0.mvt", 404),
    ("/tiles/divisions,nope/10/0/0.mvt", 404),
    ("/tiles/divisions/10/1024/0.mvt", 400),
    ("/tiles/divisions/25/0/0.mvt", 400),
    ("/tiles/divisions/a/0/0.mvt", 400),
    ("/tiles/divisions/3/-1/0.mvt", 400),
])
def test_bad_requests(client, world, path, status):
    assert client.get(path).status_code == status


def test_low_zoom_thins_dense_points_keeping_the_most_severe(admin, world):
    Enterprise.objects.bulk_create([
        Enterprise(name=f"密集{i}", credit_code=make_credit_code(f"9132020{i:010d}"),
                   industry="C26", division_code="320101001001", risk_level=4 - (i == 17),
                   geom=Point(118.40 + i * 1e-6, 32.30, srid=4326))
        for i in range(40)
    ])
    z6 = names(decode(admin.get(tile_url("enterprises", *tile_of(118.4, 32.3, 6)))))
    assert {n for n in z6 if n.startswith("密集")} == {"密集17"}
    z14 = names(decode(admin.get(tile_url("enterprises", *tile_of(118.4, 32.3, 14)))))
    assert {n for n in z14 if n.startswith("密集")} == {f"密集{i}" for i in range(40)}
