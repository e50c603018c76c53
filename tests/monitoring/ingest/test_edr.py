"""Readings through the OGC API – EDR collection `readings` (ADR 0016): position, area
and items queries with datetime and parameter-name, CoverageJSON and GeoJSON, the
caller's scope, bad input, against readings stored by the real ingest store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitoring.devices.models import Sensor
from monitoring.devices.services import gateway_create, sensor_create
from monitoring.ingest.services import batch_store

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
BASE = "/ogc/collections/readings"


def _batch(gateway: str, point: str, seq0: int, values: list, *, start: datetime,
           every: timedelta) -> dict:
    records = [{"seq": seq0 + i, "kind": "reading", "point": point,
                "ts": int((start + i * every).timestamp() * 1000), "value": v,
                "quality": "good", "unit": "", "reason": ""} for i, v in enumerate(values)]
    return {"v": 1, "kind": "batch", "gateway": gateway, "records": records}


@pytest.fixture
def readings(gateway, world):
    """County A: a level and a gas sensor at one point, a minute apart for three hours;
    county B: one temperature sensor."""
    start = NOW - timedelta(hours=3)
    minute = timedelta(minutes=1)
    batch_store(_batch("gw-a", "T-1.level", 1, [float(i % 10) for i in range(180)],
                       start=start, every=minute), now=NOW)
    batch_store(_batch("gw-a", "GD-1.lel", 1000, [5.0] * 180, start=start, every=minute),
                now=NOW)
    ent_b = world.enterprises_b[0]
    gw_b = gateway_create(enterprise=ent_b, code="gw-b", name="网关乙", geom=ent_b.geom)
    sensor_create(gateway=gw_b, point="TT-1.temp", name="温度", indicator="temperature",
                  measure_unit="°C", range_low=-20, range_high=200, geom=ent_b.geom)
    batch_store(_batch("gw-b", "TT-1.temp", 1, [40.0 + i for i in range(30)], start=start,
                       every=minute), now=NOW)
    yield {s.point: s for s in Sensor.objects.all()}
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = 'gw-b'")


def get(client, url, world, who="admin", **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Token {world.tokens[who]}")


def _point(geom) -> str:
    return f"POINT({geom.x} {geom.y})"


def _polygon(x0, y0, x1, y1) -> str:
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def _valid_coverage_json(body: dict) -> None:
    """The CoverageJSON 1.0 structure: domain axes, ranges matching the t axis, and a
    parameter for every range."""
    assert body["type"] == "CoverageCollection" and body["domainType"] == "PointSeries"
    for coverage in body["coverages"]:
        assert coverage["type"] == "Coverage"
        domain = coverage["domain"]
        assert domain["type"] == "Domain" and domain["domainType"] == "PointSeries"
        assert set(domain["axes"]) == {"x", "y", "t"}
        assert len(domain["axes"]["x"]["values"]) == len(domain["axes"]["y"]["values"]) == 1
        times = domain["axes"]["t"]["values"]
        assert {r["coordinates"][0] for r in domain["referencing"]} == {"x", "t"}
        for name, array in coverage["ranges"].items():
            assert name in coverage["parameters"] and name in body["parameters"]
            assert array["type"] == "NdArray" and array["axisNames"] == ["t"]
            assert array["shape"] == [len(times)] == [len(array["values"])]


def test_collection_advertises_parameters_with_units_and_queries(client, world):
    body = get(client, BASE, world).json()
    names = body["parameter_names"]
    assert {"level", "temperature", "pressure", "combustible_gas"} <= set(names)
    assert names["level"]["unit"]["symbol"]["value"] == "m"
    assert names["combustible_gas"]["unit"]["symbol"]["value"] == "%LEL"
    assert {"position", "area", "locations"} <= set(body["data_queries"])


def test_position_short_window_is_raw_rows(client, world, readings):
    level = readings["T-1.level"]
    window = f"{(NOW - timedelta(minutes=10)).isoformat()}/{NOW.isoformat()}"
    response = get(client, f"{BASE}/position", world, coords=_point(level.geom),
                   datetime=window)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/prs.coverage+json"
    body = response.json()
    _valid_coverage_json(body)
    # both sensors of the point, raw minute readings 170..179 of the three hours
    assert [c["id"] for c in body["coverages"]] == sorted(
        [str(level.pk), str(readings["GD-1.lel"].pk)], key=int)
    by_parameter = {next(iter(c["ranges"])): c for c in body["coverages"]}
    level_cov = by_parameter["level"]
    assert level_cov["step"] == "raw"
    assert level_cov["domain"]["axes"]["t"]["values"][0] == "2026-12-02T07:50:00Z"
    assert level_cov["ranges"]["level"]["values"] == [0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert level_cov["parameters"]["level"]["unit"]["symbol"] == "m"


def test_position_parameter_name_and_tolerance(client, world, readings):
    level = readings["T-1.level"]
    window = f"{(NOW - timedelta(minutes=10)).isoformat()}/{NOW.isoformat()}"
    body = get(client, f"{BASE}/position", world, coords=_point(level.geom),
               datetime=window, **{"parameter-name": "combustible_gas"}).json()
    assert [list(c["ranges"]) for c in body["coverages"]] == [["combustible_gas"]]
    assert body["coverages"][0]["ranges"]["combustible_gas"]["values"] == [5.0] * 10
    # 0.001° east is about 94 m: beyond the 50 m tolerance, nothing
    far = f"POINT({level.geom.x + 0.001} {level.geom.y})"
    assert get(client, f"{BASE}/position", world, coords=far,
               datetime=window).json()["coverages"] == []
    near = f"POINT({level.geom.x + 0.0003} {level.geom.y})"  # about 28 m
    assert len(get(client, f"{BASE}/position", world, coords=near,
                   datetime=window).json()["coverages"]) == 2


def test_area_long_window_uses_hourly_rollups_and_geojson(client, world, readings):
    window = f"{(NOW - timedelta(days=1)).isoformat()}/{NOW.isoformat()}"
    response = get(client, f"{BASE}/area", world, coords=_polygon(118.0, 32.0, 119.0, 32.5),
                   datetime=window, f="geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = {f["properties"]["point"]: f for f in response.json()["features"]}
    assert set(features) == {"T-1.level", "GD-1.lel", "TT-1.temp"}
    level = features["T-1.level"]["properties"]
    assert level["step"] == "hour" and level["values"] == [4.5, 4.5, 4.5]
    assert level["times"] == ["2026-12-02T05:00:00Z", "2026-12-02T06:00:00Z",
                              "2026-12-02T07:00:00Z"]
    temp = features["TT-1.temp"]["properties"]
    assert temp["values"] == [sum(range(40, 70)) / 30] and temp["unit"] == "°C"
    # a middle window (3 h) reads the minute sums
    body = get(client, f"{BASE}/area", world, coords=_polygon(118.0, 32.0, 118.5, 32.5),
               datetime=f"{(NOW - timedelta(hours=3)).isoformat()}/{NOW.isoformat()}",
               **{"parameter-name": "level"}).json()
    _valid_coverage_json(body)
    [coverage] = body["coverages"]
    assert coverage["step"] == "minute" and coverage["ranges"]["level"]["shape"] == [180]


def test_open_intervals_and_instant(client, world, readings):
    level = readings["T-1.level"]
    coords = _point(level.geom)
    after = get(client, f"{BASE}/position", world, coords=coords,
                datetime=f"{(NOW - timedelta(minutes=2)).isoformat()}/..",
                **{"parameter-name": "level"}).json()
    assert after["coverages"][0]["ranges"]["level"]["values"] == [8.0, 9.0]
    before = get(client, f"{BASE}/position", world, coords=coords,
                 datetime=f"../{NOW.isoformat()}", **{"parameter-name": "level"}).json()
    # from the oldest hour of data (05:00): three hours, the minute sums
    assert before["coverages"][0]["step"] == "minute"
    assert before["coverages"][0]["ranges"]["level"]["shape"] == [180]
    instant = get(client, f"{BASE}/position", world, coords=coords,
                  datetime="2026-12-02T07:55:00Z", **{"parameter-name": "level"}).json()
    assert instant["coverages"][0]["ranges"]["level"]["values"] == [5.0]


def test_limit_bounds_each_series(client, world, readings):
    body = get(client, f"{BASE}/area", world, coords=_polygon(118.0, 32.0, 118.5, 32.5),
               datetime=f"{(NOW - timedelta(hours=1)).isoformat()}/{NOW.isoformat()}",
               limit="7").json()
    assert [c["ranges"][next(iter(c["ranges"]))]["shape"] for c in body["coverages"]] == \
        [[7], [7]]
    body = get(client, f"{BASE}/area", world, coords=_polygon(118.0, 32.0, 118.5, 32.5),
               datetime=f"{(NOW - timedelta(hours=1)).isoformat()}/{NOW.isoformat()}",
               limit="999999").json()  # throttled to the collection's 10,000
    assert body["coverages"][0]["ranges"]["level"]["shape"] == [60]


def test_items_are_sensors_and_an_item_is_its_series(client, world, readings):
    body = get(client, f"{BASE}/items", world).json()
    assert sorted(f["properties"]["point"] for f in body["features"]) == [
        "GD-1.lel", "T-1.level", "TT-1.temp"]
    body = get(client, f"{BASE}/items", world, **{"parameter-name": "level,temperature"}).json()
    assert sorted(f["properties"]["point"] for f in body["features"]) == ["T-1.level",
                                                                           "TT-1.temp"]
    # sensors with data in a window: county B's sensor sent only its first 30 minutes
    late = f"{(NOW - timedelta(minutes=30)).isoformat()}/{NOW.isoformat()}"
    body = get(client, f"{BASE}/items", world, datetime=late).json()
    assert sorted(f["properties"]["point"] for f in body["features"]) == ["GD-1.lel",
                                                                           "T-1.level"]
    level = readings["T-1.level"]
    window = f"{(NOW - timedelta(minutes=4)).isoformat()}/{NOW.isoformat()}"
    response = get(client, f"{BASE}/items/{level.pk}", world, datetime=window)
    assert response["Content-Type"] == "application/prs.coverage+json"
    body = response.json()
    _valid_coverage_json(body)
    assert body["coverages"][0]["ranges"]["level"]["values"] == [6.0, 7.0, 8.0, 9.0]
    feature = get(client, f"{BASE}/items/{level.pk}", world, datetime=window,
                  f="geojson").json()["features"][0]
    assert feature["geometry"]["coordinates"] == [level.geom.x, level.geom.y]
    assert feature["properties"]["values"] == [6.0, 7.0, 8.0, 9.0]


@pytest.mark.parametrize("who", ["county_b", "anonymous"])
def test_another_county_gets_nothing_of_county_a(client, world, readings, who):
    """A county B user (or nobody) cannot read county A's readings by any EDR query."""
    level = readings["T-1.level"]
    window = f"{(NOW - timedelta(days=1)).isoformat()}/{NOW.isoformat()}"
    headers = {} if who == "anonymous" else {
        "HTTP_AUTHORIZATION": f"Token {world.tokens[who]}"}

    def ask(path, **params):
        return client.get(f"{BASE}{path}", {"datetime": window, **params}, **headers)

    answers = [ask("/position", coords=_point(level.geom)),
               ask("/area", coords=_polygon(118.0, 32.0, 118.5, 32.5)),
               ask("/area", coords=_polygon(118.0, 32.0, 119.0, 32.5), f="geojson"),
               ask(f"/items/{level.pk}"), ask(f"/locations/{level.pk}"), ask("/items")]
    if who == "anonymous":  # the collection is not there at all
        assert [a.status_code for a in answers] == [404] * 6
        return
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 404, 200]
    assert answers[0].json()["coverages"] == answers[1].json()["coverages"] == []
    assert [f["properties"]["point"] for f in answers[2].json()["features"]] == ["TT-1.temp"]
    assert [f["properties"]["point"] for f in answers[5].json()["features"]] == ["TT-1.temp"]


@pytest.mark.parametrize(("params", "named"), [
    ({"coords": "POINT(118.1"}, "coords"),
    ({"coords": "POLYGON((118 32,119 32,119 33,118 32))"}, "coords"),
    ({"coords": "POINT(190 32)"}, "coords"),
    ({"coords": "POINT(nan nan)"}, "coords"),
    ({"coords": "POINT EMPTY"}, "coords"),
    ({"coords": "POINT(118.1 32.1)", "datetime": "yesterday"}, "datetime"),
    ({"coords": "POINT(118.1 32.1)", "datetime": "2026-12-02T08:00Z/2026-12-01T00:00Z"},
     "datetime"),
    ({"coords": "POINT(118.1 32.1)", "datetime": "a/b/c"}, "datetime"),
    ({"coords": "POINT(118.1 32.1)", "parameter-name": "level,colour"}, "parameter-name"),
    ({"coords": "POINT(118.1 32.1)", "limit": "0"}, "limit"),
    ({"coords": "POINT(118.1 32.1)", "f": "xml"}, "f"),
])
def test_bad_input_is_400_naming_the_parameter(client, world, params, named):
    response = get(client, f"{BASE}/position", world, **params)
    assert response.status_code == 400, response.content
    assert named in response.json()["description"]


def test_edr_paths_of_a_layer_collection_are_404(client, world):
    for path in ("position?coords=POINT(118.1 32.1)", "locations", "locations/1"):
        assert get(client, f"/ogc/collections/enterprises/{path}", world).status_code == 404


def test_area_refuses_a_self_crossing_polygon_and_items_a_bad_datetime(client, world):
    bowtie = "POLYGON((118 32,119 32.5,119 32,118 32.5,118 32))"
    response = get(client, f"{BASE}/area", world, coords=bowtie)
    assert response.status_code == 400 and "coords" in response.json()["description"]
    response = get(client, f"{BASE}/items", world, datetime="soon")
    assert response.status_code == 400 and "datetime" in response.json()["description"]


def test_openapi_documents_the_edr_operations(client, world):
    document = client.get("/ogc/openapi?f=json",
                          HTTP_AUTHORIZATION=f"Token {world.tokens['county_a']}").json()
    paths = {p for p in document["paths"] if p.startswith("/collections/readings")}
    assert paths == {f"/collections/readings{p}" for p in (
        "", "/position", "/area", "/items", "/items/{featureId}", "/locations",
        "/locations/{locId}", "/queryables", "/schema")}
    position = document["paths"]["/collections/readings/position"]["get"]
    names = {p["$ref"].rsplit("/", 1)[-1] for p in position["parameters"]}
    assert names == {"positionCoords", "datetime", "parameter-name", "edr-limit", "edr-f",
                     "lang"}
    assert set(document["components"]["responses"]["EDRData"]["content"]) == {
        "application/prs.coverage+json", "application/geo+json"}
    anonymous = client.get("/ogc/openapi?f=json").json()
    assert not [p for p in anonymous["paths"] if "readings" in p]


def test_fuzz_edr_with_a_county_token(wsgi_app, world, readings):
    """schemathesis over the EDR operations (tests/fuzz.py): no 5xx, every answer as
    documented, with county A's read-only token and stored readings."""
    import schemathesis

    from geo.models import TokenAccess
    from geo.tokens import token_create
    from tests.fuzz import fuzz

    key = token_create(user=world.users["county_a"], name="fuzz", access=TokenAccess.READ)
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/ogc/openapi?f=json", wsgi_app, headers=headers)
    fuzz(schema.include(path_regex=r"^/collections/readings"), headers)


@pytest.fixture
def site(transactional_db, live_server, settings):
    from layers.ogc.service import forget_apis

    settings.SITE_URL = live_server.url
    forget_apis()
    yield live_server.url
    forget_apis()


def test_owslib_edr_client(site, world, readings):
    """OWSLib's EDR client (owslib.ogcapi.edr) over a socket: finds the collection among
    the data collections and reads a position and an area, scoped by its token."""
    from owslib.ogcapi import REQUEST_HEADERS
    from owslib.ogcapi.edr import EnvironmentalDataRetrieval

    saved = dict(REQUEST_HEADERS)
    try:
        api = EnvironmentalDataRetrieval(
            f"{site}/ogc", headers={"Authorization": f"Token {world.tokens['county_a']}"})
        assert "readings" in api.data()
        level = readings["T-1.level"]
        window = f"{(NOW - timedelta(minutes=3)).isoformat()}/{NOW.isoformat()}"
        body = api.query_data("readings", "position", coords=_point(level.geom),
                              datetime_=window, parameter_names=["level"])
        _valid_coverage_json(body)
        assert [c["ranges"]["level"]["values"] for c in body["coverages"]] == [[7.0, 8.0, 9.0]]
        body = api.query_data("readings", "area", coords=_polygon(118.0, 32.0, 119.0, 32.5),
                              datetime_=f"../{NOW.isoformat()}")
        assert sorted(next(iter(c["ranges"])) for c in body["coverages"]) == [
            "combustible_gas", "level"]  # county B's temperature is not county A's to see
    finally:
        REQUEST_HEADERS.clear()
        REQUEST_HEADERS.update(saved)


@pytest.mark.parametrize("path", ["", "/items", "/queryables"])
def test_html_pages_of_the_collection(client, world, readings, path):
    response = get(client, f"{BASE}{path}", world, f="html")
    assert response.status_code == 200
    assert "监测数据" in response.content.decode() or path == "/queryables"
    assert get(client, f"{BASE}/position", world, f="html",
               coords="POINT(118.1 32.1)").status_code == 400


def test_gdal_oapif_reads_the_items(site, world, readings):
    """GDAL 3.6 has no EDR driver; its OGC API – Features driver reads the collection's
    items (the sensors) under the token's scope."""
    import json
    import subprocess

    header = f"Authorization: Token {world.tokens['county_b']}"
    done = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{site}/ogc",
                           "readings", "--config", "GDAL_HTTP_HEADERS", header],
                          capture_output=True, text=True, timeout=60, check=True)
    features = json.loads(done.stdout)["features"]
    assert [f["properties"]["point"] for f in features] == ["TT-1.temp"]


def test_accept_geojson(client, world, readings):
    level = readings["T-1.level"]
    response = client.get(f"{BASE}/position", {"coords": _point(level.geom),
                                               "datetime": "2026-12-02T07:59:00Z"},
                          HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}",
                          HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"] == "application/geo+json"
    assert sorted(f["properties"]["values"][0] for f in response.json()["features"]) == [
        5.0, 9.0]


def test_an_enterprise_user_reads_its_own_sensors_only(client, world, readings):
    window = f"../{NOW.isoformat()}"
    body = get(client, f"{BASE}/area", world, "enterprise",
               coords=_polygon(118.0, 32.0, 119.0, 32.5), datetime=window, f="geojson").json()
    assert sorted(f["properties"]["point"] for f in body["features"]) == ["GD-1.lel",
                                                                           "T-1.level"]
    temp = readings["TT-1.temp"]
    assert get(client, f"{BASE}/items/{temp.pk}", world, "enterprise").status_code == 404
    assert get(client, f"{BASE}/position", world, "enterprise", coords=_point(temp.geom),
               datetime=window).json()["coverages"] == []
