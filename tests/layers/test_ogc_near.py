"""Vendor `near=lon,lat` / `radius=m` on OGC API items: nearest first, scoped, any point
layer (real PostGIS, world fixture)."""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from geo.scope import EVERYTHING
from layers.base import registry
from layers.ogc import sql
from layers.ogc.near import Near
from registry.resources.models import RescueTeam, Shelter

ORIGIN = (118.2, 32.2)  # in county A
SPHERE_M = (2 * 6378137.0 + 6356752.314245) / 3  # PostGIS's sphere: the WGS 84 mean radius


def sphere_m(lon: float, lat: float) -> float:
    """Haversine distance from ORIGIN, as PostGIS measures geography on the sphere."""
    p1, p2 = math.radians(ORIGIN[1]), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - ORIGIN[0])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * SPHERE_M * math.asin(math.sqrt(h))


def _place(model, name: str, lon: float, lat: float, county: str, **fields):
    return model.objects.create(name=name, division_code=county + "001001",
                                geom=Point(lon, lat, srid=4326), **fields)


@pytest.fixture
def teams(world):
    """0.010° east (~941 m) is nearer than 0.009° north (~1001 m) though more degrees away."""
    a, b = "320101", "320102"
    return [_place(RescueTeam, "东队", 118.210, 32.200, a),
            _place(RescueTeam, "北队", 118.200, 32.209, a),
            _place(RescueTeam, "远队", 118.230, 32.220, a),
            _place(RescueTeam, "乙县队", 118.520, 32.200, b),
            _place(Shelter, "甲县广场", 118.203, 32.203, a),
            _place(Shelter, "乙县公园", 118.600, 32.300, b)]


def _items(client, world, collection: str, query: str, user: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Token {world.tokens[user]}"} if user else {}
    return client.get(f"/ogc/collections/{collection}/items?{query}", **extra)


def _found(body) -> list[tuple[str, float]]:
    return [(f["properties"]["name"], f["properties"]["distance_m"]) for f in body["features"]]


def test_nearest_first_with_sphere_distances_in_the_callers_scope(client, world, teams):
    body = _items(client, world, "rescue_teams", "near=118.2,32.2", "county_a").json()
    assert [name for name, _d in _found(body)] == ["东队", "北队", "远队"]  # not county B's
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["properties"]["distance_m"] == pytest.approx(sphere_m(lon, lat), abs=0.01)
    assert body["numberMatched"] == 3
    assert [name for name, _d in _found(
        _items(client, world, "rescue_teams", "near=118.2,32.2", "county_b").json())] == ["乙县队"]
    assert [name for name, _d in _found(
        _items(client, world, "rescue_teams", "near=118.2,32.2", "admin").json())] == [
        "东队", "北队", "远队", "乙县队"]


def test_radius_limit_and_paging(client, world, teams):
    def names(query: str) -> list[str]:
        body = _items(client, world, "rescue_teams", query, "admin").json()
        return [name for name, _d in _found(body)]

    assert names("near=118.2,32.2&radius=990") == ["东队"]
    assert names("near=118.2,32.2&radius=1010") == ["东队", "北队"]
    assert names("near=118.2,32.2&radius=100") == []
    assert names("near=118.2,32.2&limit=2") == ["东队", "北队"]
    assert names("near=118.2,32.2&limit=2&offset=2") == ["远队", "乙县队"]
    body = _items(client, world, "rescue_teams", "near=118.2,32.2&limit=2", "admin").json()
    assert "near=118.2,32.2" in [x["href"] for x in body["links"] if x["rel"] == "next"][0]


def test_public_point_layer_for_anonymous_callers_and_private_refused(client, world, teams):
    body = _items(client, world, "shelters", "near=118.59,32.29&radius=50000").json()
    assert [name for name, _d in _found(body)] == ["乙县公园", "甲县广场"]
    # anonymous callers' API has no private collections at all
    assert _items(client, world, "rescue_teams", "near=118.2,32.2").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("near=abc", "near: 'abc' is not lon,lat"),
    ("near=200,32", "near: '200,32' is outside -180..180, -90..90"),
    ("near=118.2,32.2&radius=-5", "radius: must be more than 0 and at most 1000000 metres"),
    ("near=118.2,32.2&radius=far", "radius: 'far' is not a number of metres"),
    ("radius=100", "radius: requires near=lon,lat"),
])
def test_bad_parameters_are_named(client, world, teams, query, message):
    response = _items(client, world, "rescue_teams", query, "admin")
    assert response.status_code == 400
    assert response.json()["description"] == message


def test_only_point_layers_sort_by_distance(client, world):
    response = _items(client, world, "divisions", "near=118.2,32.2", "admin")
    assert response.status_code == 400
    assert response.json()["description"].startswith("near: only point collections")


def test_without_near_unknown_parameters_are_still_ignored(client, world, teams):
    body = _items(client, world, "rescue_teams", "foo=bar&name=东队", "admin").json()
    assert [f["properties"]["name"] for f in body["features"]] == ["东队"]
    assert "distance_m" not in body["features"][0]["properties"]


def test_nearest_walks_the_geography_index(world, teams):
    """The statement the provider runs orders by `<->` alone, so the KNN index drives it."""
    query = sql.ItemQuery(scope=EVERYTHING, near=Near(*ORIGIN, 5000.0))
    text, params = sql.page_sql(registry.get("rescue_teams"), query, 0, 10)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a six-row table: force the choice
        cursor.execute("EXPLAIN " + text, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using rescueteam_geog" in plan and "Order By:" in plan
    assert "Sort Key" not in plan


def test_openapi_documents_the_parameters_on_point_collections(client, world):
    paths = client.get("/ogc/openapi", HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}"
                       ).json()["paths"]
    names = {p.get("name") for p in paths["/collections/rescue_teams/items"]["get"]["parameters"]}
    assert {"near", "radius"} <= names
    names = {p.get("name") for p in paths["/collections/divisions/items"]["get"]["parameters"]}
    assert not {"near", "radius"} & names
