"""Emergency resources: nearest / within-radius in PostGIS, scope, REST, inventory, OGC."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pyproj
import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from geo.scope import EVERYTHING, scope_for_user
from layers.base import registry
from registry.resources.models import (
    EmergencyOrganisation,
    Expert,
    FireStation,
    MedicalFacility,
    RescueTeam,
    Shelter,
    Warehouse,
)
from registry.resources.selectors import resources_nearest
from registry.resources.services import Stock, warehouse_stock_set
from tests import catalogue
from tests.layers.samples import sample_row

ORIGIN = (118.2, 32.2)  # in county A
GEOD = pyproj.Geod(ellps="WGS84")
NEAREST = "/api/resources/nearest"
RESOURCE_LAYERS = ["emergency_organisations", "rescue_teams", "experts", "warehouses",
                   "medical_facilities", "shelters", "fire_stations"]


def geodesic(lon: float, lat: float) -> float:
    return GEOD.inv(ORIGIN[0], ORIGIN[1], lon, lat)[2]


def _place(model, name: str, lon: float, lat: float, county: str, **fields):
    return model.objects.create(name=name, division_code=county + "001001",
                                geom=Point(lon, lat, srid=4326), **fields)


@pytest.fixture
def resources(world):
    """Offsets chosen so that degrees and metres disagree: 0.010° east (~943 m) is nearer
    than 0.009° north (~998 m) although it is more degrees away."""
    a, b = "320101", "320102"
    return {
        "east": _place(RescueTeam, "东队", 118.210, 32.200, a, members=30, speciality="危化品"),
        "north": _place(RescueTeam, "北队", 118.200, 32.209, a, members=12),
        "far": _place(RescueTeam, "远队", 118.230, 32.220, a),
        "b_team": _place(RescueTeam, "乙县队", 118.520, 32.200, b),
        "shelter_a": _place(Shelter, "甲县广场", 118.203, 32.203, a, capacity=5000,
                            area_m2=Decimal("12000.50"), status="certified"),
        "shelter_b": _place(Shelter, "乙县公园", 118.600, 32.300, b, kind="indoor"),
    }


def _as_tuples(rows) -> list[tuple[str, str]]:
    return [(r.layer, r.name) for r in rows]


def test_nearest_order_and_geodesic_distances(resources):
    layers = [registry.get("rescue_teams"), registry.get("shelters")]
    rows = resources_nearest(layers, ORIGIN, n=10, scope=EVERYTHING)
    assert _as_tuples(rows) == [
        ("shelters", "甲县广场"), ("rescue_teams", "东队"), ("rescue_teams", "北队"),
        ("rescue_teams", "远队"), ("rescue_teams", "乙县队"), ("shelters", "乙县公园")]
    for row in rows:
        geom = (RescueTeam if row.layer == "rescue_teams" else Shelter).objects.get(pk=row.id).geom
        assert row.distance_m == pytest.approx(geodesic(geom.x, geom.y), abs=1.0)
    assert rows[1].distance_m == pytest.approx(943.0, abs=1.0)
    assert rows[2].distance_m == pytest.approx(998.3, abs=1.0)


def test_n_limits_across_layers(resources):
    layers = [registry.get("rescue_teams"), registry.get("shelters")]
    rows = resources_nearest(layers, ORIGIN, n=2, scope=EVERYTHING)
    assert _as_tuples(rows) == [("shelters", "甲县广场"), ("rescue_teams", "东队")]


def test_radius_filter(resources):
    layers = [registry.get("rescue_teams")]
    rows = resources_nearest(layers, ORIGIN, n=10, radius_m=990, scope=EVERYTHING)
    assert _as_tuples(rows) == [("rescue_teams", "东队")]
    rows = resources_nearest(layers, ORIGIN, n=10, radius_m=1000, scope=EVERYTHING)
    assert _as_tuples(rows) == [("rescue_teams", "东队"), ("rescue_teams", "北队")]
    assert resources_nearest(layers, ORIGIN, n=10, radius_m=100, scope=EVERYTHING) == []


def test_scope_hides_other_county_but_not_public_layers(resources, world):
    layers = [registry.get("rescue_teams"), registry.get("shelters")]
    rows = resources_nearest(layers, ORIGIN, n=10, scope=scope_for_user(world.users["county_b"]))
    assert _as_tuples(rows) == [("shelters", "甲县广场"), ("rescue_teams", "乙县队"),
                                ("shelters", "乙县公园")]


def _get(client, query: str, token: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.get(f"{NEAREST}?{query}", **extra)


def test_rest_nearest_with_scope(client, resources, world):
    query = "lon=118.2&lat=32.2&n=3&radius=5000&layers=rescue_teams,shelters"
    body = _get(client, query, world.tokens["county_b"]).json()
    assert body["n"] == 3 and body["radius_m"] == 5000
    shelter = resources["shelter_a"]
    assert body["results"] == [{"layer": "shelters", "id": shelter.pk, "name": "甲县广场",
                                "distance_m": pytest.approx(geodesic(118.203, 32.203), abs=1)}]
    body = _get(client, query, world.tokens["county_a"]).json()
    assert [r["name"] for r in body["results"]] == ["甲县广场", "东队", "北队"]
    anonymous = _get(client, "lon=118.2&lat=32.2&layers=rescue_teams,shelters").json()
    assert [r["name"] for r in anonymous["results"]] == ["甲县广场", "乙县公园"]


@pytest.mark.parametrize(("query", "names"), [
    ("lat=32.2", "lon"),
    ("lon=abc&lat=32.2", "lon"),
    ("lon=118.2&lat=95", "lat"),
    ("lon=118.2&lat=nan", "lat"),
    ("lon=118.2&lat=32.2&n=0", "n"),
    ("lon=118.2&lat=32.2&n=2.5", "n"),
    ("lon=118.2&lat=32.2&n=101", "n"),
    ("lon=118.2&lat=32.2&radius=-1", "radius"),
    ("lon=118.2&lat=32.2&layers=rescue_teams,nope", "nope"),
])
def test_rest_bad_parameters_are_400(client, world, query, names):
    response = _get(client, query, world.tokens["admin"])
    assert response.status_code == 400
    assert names in response.json()["error"]


def test_warehouse_inventory(world):
    depot = _place(Warehouse, "市物资库", 118.3, 32.3, "320101")
    expiry = datetime.date(2027, 6, 30)
    warehouse_stock_set(depot, [Stock("帐篷", 200, "顶"), Stock("饮用水", "1500.5", "箱", expiry)])
    assert [(i.item, i.quantity, i.unit, i.expiry_date) for i in depot.items.all()] == [
        ("帐篷", Decimal("200.00"), "顶", None), ("饮用水", Decimal("1500.50"), "箱", expiry)]
    warehouse_stock_set(depot, [Stock("棉被", 80, "床")])
    assert [(i.item, i.quantity) for i in depot.items.all()] == [("棉被", Decimal("80.00"))]
    with pytest.raises(ValidationError):
        warehouse_stock_set(depot, [Stock("沙袋", -1, "袋")])
    assert [i.item for i in depot.items.all()] == ["棉被"]


def test_every_resource_layer_is_an_ogc_collection(client, resources, world):
    admin = {"HTTP_AUTHORIZATION": f"Token {world.tokens['admin']}"}
    ids = {c["id"] for c in client.get("/ogc/collections?f=json", **admin).json()["collections"]}
    assert set(RESOURCE_LAYERS) <= ids
    anonymous = {c["id"] for c in client.get("/ogc/collections?f=json").json()["collections"]}
    assert {"shelters", "fire_stations"} <= anonymous
    assert not anonymous & {"experts", "rescue_teams", "warehouses"}


def test_ogc_shelter_items_bbox_and_sortby(client, resources):
    url = "/ogc/collections/shelters/items?f=json"
    body = client.get(url).json()  # public layer: no token needed
    assert sorted(f["properties"]["name"] for f in body["features"]) == ["乙县公园", "甲县广场"]
    body = client.get(f"{url}&bbox=118.0,32.0,118.5,32.5").json()
    assert [f["properties"]["name"] for f in body["features"]] == ["甲县广场"]
    assert body["features"][0]["properties"]["capacity"] == 5000
    body = client.get(f"{url}&sortby=-capacity").json()
    assert [f["properties"]["name"] for f in body["features"]] == ["甲县广场", "乙县公园"]


def test_experts_are_not_public(client, world):
    _place(Expert, "王工", 118.2, 32.2, "320101", field="危化品", phone="13800000000")
    assert client.get("/ogc/collections/experts/items?f=json").status_code == 404
    rows = resources_nearest([registry.get("experts")], ORIGIN, n=5,
                             scope=scope_for_user(world.users["county_a"]))
    assert _as_tuples(rows) == [("experts", "王工")]
    assert resources_nearest([registry.get("experts")], ORIGIN, n=5,
                             scope=scope_for_user(world.users["county_b"])) == []
    # Every other resource model is scoped the same way; unused here but kept importable.
    assert {EmergencyOrganisation, FireStation, MedicalFacility}


@pytest.mark.parametrize("layer_id", catalogue.ids())
def test_rest_nearest_serves_every_layer(client, world, layer_id):
    """Points, lines and polygons alike: the distance to the shape, 0 when touching."""
    row = sample_row(registry.get(layer_id), world)
    anchor = world.enterprises_a[0].geom
    response = _get(client, f"lon={anchor.x}&lat={anchor.y}&n=100&radius=50000"
                            f"&layers={layer_id}", world.tokens["admin"])
    assert response.status_code == 200, response.content[:300]
    mine = [r for r in response.json()["results"] if r["id"] == row.pk]
    assert len(mine) == 1 and mine[0]["layer"] == layer_id
    assert mine[0]["distance_m"] == 0


def test_rest_nearest_polygons_distance_to_the_edge_and_zero_inside(client, world):
    corner = GEOD.inv(119.7, 31.9, 119.0, 32.0)[2]  # the province box's nearest corner
    body = _get(client, "lon=119.7&lat=31.9&n=10&radius=100000&layers=divisions",
                world.tokens["admin"]).json()
    assert [(r["id"], r["name"]) for r in body["results"]] == [
        ("320000000000", "测试省"), ("320100000000", "测试市"), ("320102000000", "乙县")]
    assert [r["distance_m"] for r in body["results"]] == [pytest.approx(corner, rel=1e-3)] * 3
    assert _get(client, "lon=119.7&lat=31.9&n=10&radius=50000&layers=divisions",
                world.tokens["admin"]).json()["results"] == []
    inside = _get(client, "lon=118.2&lat=32.2&n=2&layers=divisions,enterprises",
                  world.tokens["county_a"]).json()["results"]
    assert [(r["layer"], r["distance_m"]) for r in inside] == [("divisions", 0.0)] * 2


@pytest.mark.parametrize("layer_id", ["hazard_sources", "divisions", "grid_cells"])
def test_rest_nearest_issue_query_on_polygon_layers(client, world, layer_id):
    response = _get(client, f"lon=119.7&lat=31.9&n=10&radius=50000&layers={layer_id}",
                    world.tokens["admin"])
    assert response.status_code == 200
