"""CQL2 `filter=`, `datetime=`, `/queryables` and `sortby` on /ogc/ (real PostGIS, world
fixture: county A enterprises 1-5 at 118.15-118.35 E, county B 11-13 at 118.65-118.75 E;
risk levels 1:2 2:3 3:4 4:1 5:2 11:4 12:1 13:2, major hazard where the level is 1 or 2)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from model_bakery import baker

from layers.ogc import sql
from layers.ogc.cql import parse_filter
from layers.ogc.cql_sql import filter_sql
from layers.ogc.provider import layer_fields
from registry.enterprises.layers import Enterprises
from registry.enterprises.models import Enterprise
from registry.knowledge.models import AccidentCase

ITEMS = "/ogc/collections/enterprises/items"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
COUNTY_A = "POLYGON((118.0 32.0, 118.5 32.0, 118.5 32.5, 118.0 32.5, 118.0 32.0))"


def items(client, world, cql: str, user: str = "admin", url: str = ITEMS, **params):
    query = "&".join(f"{quote(k, safe='-')}={quote(str(v), safe='')}"
                     for k, v in {"filter": cql, "limit": 100, **params}.items())
    return client.get(f"{url}?{query}", HTTP_AUTHORIZATION=f"Token {world.tokens[user]}")


def numbers(response) -> list[int]:
    """The enterprise numbers (测试化工<n>号有限公司) of a response, sorted."""
    assert response.status_code == 200, response.content
    return sorted(int(f["properties"]["name"][4:-5]) for f in response.json()["features"])


@pytest.mark.parametrize("cql,expected", [
    ("risk_level = 2", [1, 5, 13]),
    ("risk_level >= 3 AND has_major_hazard = false", [2, 3, 11]),
    ("risk_level IN (1, 4)", [3, 4, 11, 12]),
    ("risk_level NOT IN (1, 4)", [1, 2, 5, 13]),
    ("risk_level BETWEEN 2 AND 3", [1, 2, 5, 13]),
    ("NOT (risk_level = 2) AND division_code = '320102001001'", [11, 12]),
    ("name LIKE '测试化工1_号%'", [11, 12, 13]),
    ("CASEI(industry) = casei('c2614') AND risk_level + 1 = 5", [3, 11]),
    ("address IS NULL", []),
    ("address IS NOT NULL AND risk_level < 2", [4, 12]),
    ("risk_level = 2 OR risk_level = 1", [1, 4, 5, 12, 13]),
    ("division_code = 320101001001", [1, 2, 3, 4, 5]),  # a number read as the text it is
])
def test_cql2_text_comparisons(client, world, cql, expected):
    assert numbers(items(client, world, cql)) == expected


def test_cql2_json_and_filter_lang(client, world):
    cql = json.dumps({"op": "and", "args": [
        {"op": "=", "args": [{"property": "has_major_hazard"}, True]},
        {"op": "s_intersects", "args": [{"property": "geometry"},
                                        {"bbox": [118.5, 32.0, 119.0, 32.5]}]}]})
    assert numbers(items(client, world, cql, **{"filter-lang": "cql2-json"})) == [12, 13]
    within = json.dumps({"op": "s_dwithin", "args": [
        {"property": "geometry"}, {"type": "Point", "coordinates": [118.15, 32.12]}, 6000]})
    assert numbers(items(client, world, within)) == [1, 2]
    assert numbers(items(client, world, "risk_level = 1",
                         **{"filter-lang": "cql2-text"})) == [4, 12]
    response = items(client, world, "risk_level = 1", **{"filter-lang": "sql"})
    assert response.status_code == 400


@pytest.mark.parametrize("cql,params,expected", [
    (f"S_INTERSECTS(geometry, {COUNTY_A})", {}, [1, 2, 3, 4, 5]),
    ("S_WITHIN(geom, BBOX(118.6, 32.0, 118.72, 32.5))", {}, [11, 12]),
    ("S_DWITHIN(geometry, POINT(118.15 32.12), 1000)", {}, [1]),
    ("S_DWITHIN(geometry, POINT(118.15 32.12), 6, km)", {}, [1, 2]),
    (f"S_DISJOINT(geometry, {COUNTY_A}) AND risk_level = 4", {}, [11]),
    # EPSG:4326 is latitude first: the same county A polygon, axes swapped
    ("S_INTERSECTS(geometry, POLYGON((32.0 118.0, 32.0 118.5, 32.5 118.5, 32.5 118.0, "
     "32.0 118.0)))", {"filter-crs": EPSG4326}, [1, 2, 3, 4, 5]),
])
def test_spatial_predicates(client, world, cql, params, expected):
    assert numbers(items(client, world, cql, **params)) == expected


@pytest.mark.parametrize("cql", [
    "risk_level = 2 OR 1 = 1", "INCLUDE", "1 = 1 OR division_code LIKE '%'",
    f"S_INTERSECTS(geometry, {COUNTY_A}) OR TRUE = TRUE",
])
def test_a_filter_cannot_widen_the_scope(client, world, cql):
    response = items(client, world, cql, user="county_b")
    assert numbers(response) == [11, 12, 13]
    assert response.json()["numberMatched"] == 3


def test_scope_and_filter_together(client, world):
    assert numbers(items(client, world, f"S_INTERSECTS(geometry, {COUNTY_A})",
                         user="county_b")) == []
    assert numbers(items(client, world, "risk_level = 2", user="county_a")) == [1, 5]


@pytest.mark.parametrize("cql,message", [
    ("nope = 1", "filter: unknown property 'nope'"),
    ("credit_code = 1 AND secret = 2", "filter: unknown property 'secret'"),
    ("risk_level = 'high'", "filter: 'high' is not a valid integer value"),
    ("has_major_hazard = 3", "filter: 3 is not a valid boolean value"),
    ("risk_level / 0 > 1", "filter: division by zero"),
    ("name LIKE 3", "filter: LIKE compares a text property"),
    ("S_INTERSECTS(name, POINT(1 2))", "filter: spatial predicates take geometries"),
    ("S_DWITHIN(geometry, POINT(1 2), 5000000)", "filter: S_DWITHIN distance must be"),
    ("S_DWITHIN(geometry, POINT(1 2), 5, furlongs)", "filter: S_DWITHIN distance is"),
    ("upper(name) = 'A'", "filter: function upper is not supported"),
    ("risk_level = ", "Bad CQL"),
    ("'); DROP TABLE enterprises_enterprise; --", "Bad CQL"),
])
def test_bad_filters_are_400_naming_the_problem(client, world, cql, message):
    response = items(client, world, cql)
    assert response.status_code == 400
    assert message in response.json()["description"]


def test_values_never_become_sql(client, world):
    cql = "name = 'x'' OR ''1''=''1' OR name = '); DELETE FROM enterprises_enterprise; --'"
    response = items(client, world, "name = '1; DELETE FROM enterprises_enterprise'")
    assert numbers(response) == []
    items(client, world, cql)  # whatever the parser makes of it, nothing is deleted
    assert Enterprise.objects.count() == 8


def test_paging_links_keep_the_filter(client, world):
    response = items(client, world, "risk_level = 2", limit=2)
    body = response.json()
    assert (body["numberMatched"], body["numberReturned"]) == (3, 2)
    follow = next(x["href"] for x in body["links"] if x["rel"] == "next")
    assert "filter=risk_level" in follow
    rest = client.get(follow.replace("http://127.0.0.1:8000", ""),
                      HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    assert len(rest.json()["features"]) == 1
    assert numbers(response)[:2] + numbers(rest) == [1, 5, 13]


def test_filter_with_sortby_bbox_and_hits(client, world):
    response = items(client, world, "has_major_hazard = true", sortby="-risk_level,name")
    assert [(f["properties"]["risk_level"], f["properties"]["name"][4:-5])
            for f in response.json()["features"]] == [
        (2, "13"), (2, "1"), (2, "5"), (1, "12"), (1, "4")]  # digits sort before 号
    response = items(client, world, "risk_level <= 2", bbox="118.0,32.0,118.5,32.5")
    assert numbers(response) == [1, 4, 5]
    hits = items(client, world, "risk_level <= 2", resulttype="hits").json()
    assert (hits["numberMatched"], hits["features"]) == (5, [])


def test_conformance_declares_cql2(client, world):
    conforms = set(client.get("/ogc/conformance").json()["conformsTo"])
    for cls in ("ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter",
                "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json",
                "cql2/1.0/conf/basic-spatial-functions"):
        assert f"http://www.opengis.net/spec/{cls}" in conforms


@pytest.fixture
def cases(world):
    anchor = world.enterprises_a[0]
    return [baker.make(AccidentCase, title=f"案例{i}", occurred=day, deaths=i,
                       division_code=anchor.division_code, geom=Point(118.1 + i / 100, 32.1))
            for i, day in enumerate([dt.date(2019, 5, 1), dt.date(2020, 3, 15),
                                     dt.date(2020, 11, 30), dt.date(2023, 1, 9)])]


@pytest.mark.parametrize("when,expected", [
    ("2020-03-15", ["案例1"]),
    ("2020-01-01/2020-12-31", ["案例1", "案例2"]),
    ("../2020-03-15", ["案例0", "案例1"]),
    ("2020-11-30T00:00:00Z/..", ["案例2", "案例3"]),
])
def test_datetime_on_the_time_field(client, cases, when, expected):
    response = client.get(f"/ogc/collections/accident_cases/items?datetime={quote(when)}")
    assert response.status_code == 200, response.content
    assert sorted(f["properties"]["title"] for f in response.json()["features"]) == expected


def test_datetime_and_temporal_filter(client, cases):
    url = "/ogc/collections/accident_cases/items"
    cql = quote("T_INTERSECTS(occurred, INTERVAL('2020-01-01T00:00:00Z','2020-06-30T00:00:00Z'))"
                " OR occurred > DATE('2022-12-31')")
    body = client.get(f"{url}?filter={cql}&sortby=occurred").json()
    assert [f["properties"]["title"] for f in body["features"]] == ["案例1", "案例3"]
    bad = client.get(f"{url}?datetime=yesterday")
    assert bad.status_code == 400
    assert "datetime: 'yesterday' is not an RFC 3339 date" in bad.json()["description"]


def test_datetime_on_an_undated_layer_is_400(client, world):
    response = client.get(f"{ITEMS}?datetime=2020-01-01",
                          HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    assert response.status_code == 400
    assert "datetime: collection enterprises has no time field" in response.json()["description"]


def test_queryables_list_properties_with_types_and_time_role(client, world):
    body = client.get("/ogc/collections/accident_cases/queryables").json()
    props = body["properties"]
    assert props["occurred"] == {"title": "occurred", "type": "string", "format": "date",
                                 "x-ogc-role": "primary-instant"}
    assert props["deaths"]["type"] == "integer"
    assert props["direct_loss"]["type"] == "number"
    assert props["fictional"]["type"] == "boolean"
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"
    response = client.get("/ogc/collections/enterprises/queryables",
                          HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    assert set(response.json()["properties"]) == {"geometry", *Enterprises.properties}


@pytest.mark.parametrize("cql", [
    f"S_INTERSECTS(geometry, {COUNTY_A})",
    "S_DWITHIN(geometry, POINT(118.15 32.12), 6000)",
    # a property no index serves: a btree on another column (risk_level) may win on cost
    "S_WITHIN(geometry, BBOX(118.6, 32.0, 118.72, 32.5)) AND industry = 'C2614'",
])
def test_spatial_predicates_use_the_geometry_index(world, cql):
    """With sequential scans priced out, the plan must reach the rows through the GiST
    index on the geometry: the predicate is indexable (a constant literal, && inside)."""
    from geo.scope import EVERYTHING

    query = sql.ItemQuery(scope=EVERYTHING,
                          cql=filter_sql(Enterprises, layer_fields("enterprises"),
                                         parse_filter(cql)))
    statement, params = sql.count_sql(Enterprises, query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND "
                       "indexdef LIKE %s", [Enterprises.table(), "%gist%(geom)%"])
        index = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert index in plan, plan
