"""Real OGC API clients against /ogc/ served over a socket: GDAL's OAPIF driver and OWSLib."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import quote

import pytest
from owslib.ogcapi import REQUEST_HEADERS
from owslib.ogcapi.features import Features

from layers.ogc.service import forget_apis
from tests import catalogue


@pytest.fixture
def site(transactional_db, live_server, settings, world):
    """The live server's URL, also used as SITE_URL so pygeoapi's links point at it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    forget_apis()
    yield live_server.url
    forget_apis()


def ogr2ogr(url: str, layer: str, *args: str) -> dict:
    command = ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{url}", layer,
               "-oo", "PAGE_SIZE=2", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_gdal_oapif_pages_through_scoped_items(site, world):
    header = f"Authorization: Token {world.tokens['county_a']}"
    data = ogr2ogr(f"{site}/ogc", "enterprises", "--config", "GDAL_HTTP_HEADERS", header)
    features = data["features"]
    assert len(features) == 5  # three pages of two: GDAL followed the `next` links
    assert sorted(f["properties"]["name"] for f in features) == sorted(
        e.name for e in world.enterprises_a)
    first = next(f for f in features if f["properties"]["name"] == "测试化工1号有限公司")
    assert first["properties"]["risk_level"] == 2
    assert first["geometry"]["coordinates"] == [118.15, 32.12]


def test_gdal_ogrinfo_feature_count_with_query_token(site, world):
    url = f"{site}/ogc?token={world.tokens['county_b']}"
    done = subprocess.run(["ogrinfo", "-ro", "-al", "-so", f"OAPIF:{url}", "enterprises"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert "Feature Count: 3" in done.stdout
    assert "Geometry: Point" in done.stdout


@pytest.fixture
def owslib_headers():
    """OWSLib merges per-client headers into its module-level defaults; undo that."""
    saved = dict(REQUEST_HEADERS)
    yield
    REQUEST_HEADERS.clear()
    REQUEST_HEADERS.update(saved)


def test_owslib_features(site, world, owslib_headers):
    api = Features(f"{site}/ogc", headers={"Authorization": f"Token {world.tokens['county_b']}"})
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "enterprises" in ids
    items = api.collection_items("enterprises", risk_level=1)
    assert [f["properties"]["name"] for f in items["features"]] == ["测试化工12号有限公司"]
    REQUEST_HEADERS.pop("Authorization")
    anonymous = Features(f"{site}/ogc")
    assert [c["id"] for c in anonymous.collections()["collections"]] == catalogue.ids(
        public=True)


def _pushed(stderr: str) -> list[str]:
    """The item URLs GDAL fetched (its debug log), so a test can tell a filter evaluated
    by the server from one GDAL applied to everything it downloaded."""
    return [line for line in stderr.splitlines() if "/items?" in line]


def test_gdal_pushes_where_and_spat_down(site, world):
    """GDAL 3.6 (Debian 12) sends an equality -where as property parameters, which it finds
    in the OpenAPI document; it reads that only with the Content-Type
    `application/vnd.oai.openapi+json;version=3.0`, else it downloads every feature and
    filters on the client. (Its CQL2-text push-down came in a later GDAL.)"""
    header = f"Authorization: Token {world.tokens['admin']}"
    command = ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{site}/ogc", "enterprises",
               "-where", "risk_level = 2 AND has_major_hazard = 1",
               "-spat", "118.0", "32.0", "118.5", "32.5",
               "--config", "GDAL_HTTP_HEADERS", header, "--config", "CPL_DEBUG", "ON"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    names = sorted(f["properties"]["name"] for f in json.loads(done.stdout)["features"])
    assert names == ["测试化工1号有限公司", "测试化工5号有限公司"]
    fetched = _pushed(done.stderr)[-1]
    assert "bbox=118,32,118.5,32.5&risk_level=2&has_major_hazard=1" in fetched, done.stderr


def test_gdal_with_a_cql2_filter_in_the_connection(site, world):
    """GDAL repeats the connection URL's query on every request it makes, so a CQL2 filter
    there reaches the server on each page (PAGE_SIZE=2: GDAL followed `next` links)."""
    cql = quote("S_DWITHIN(geometry, POINT(118.15 32.12), 6000) OR risk_level = 1", safe="")
    url = f"{site}/ogc?token={world.tokens['admin']}&filter-lang=cql2-text&filter={cql}"
    data = ogr2ogr(url, "enterprises", "--config", "CPL_DEBUG", "ON")
    assert sorted(f["properties"]["name"] for f in data["features"]) == [
        "测试化工12号有限公司", "测试化工1号有限公司", "测试化工2号有限公司", "测试化工4号有限公司"]


def test_gdal_filter_cannot_widen_scope(site, world):
    cql = quote("risk_level = 2 OR 1 = 1", safe="")
    data = ogr2ogr(f"{site}/ogc?token={world.tokens['county_b']}&filter={cql}", "enterprises")
    assert sorted(f["properties"]["name"] for f in data["features"]) == sorted(
        e.name for e in world.enterprises_b)


def test_owslib_cql2_filters(site, world, owslib_headers):
    api = Features(f"{site}/ogc", headers={"Authorization": f"Token {world.tokens['admin']}"})
    items = api.collection_items("enterprises", filter="risk_level IN (1, 4) AND S_INTERSECTS("
                                 "geometry, BBOX(118.5, 32.0, 119.0, 32.5))",
                                 **{"filter-lang": "cql2-text"})
    assert sorted(f["properties"]["name"] for f in items["features"]) == [
        "测试化工11号有限公司", "测试化工12号有限公司"]
    queryables = api.collection_queryables("enterprises")
    assert queryables["properties"]["risk_level"]["type"] == "integer"
    # an unknown property is the server's 400 naming it (OWSLib raises its body)
    with pytest.raises(RuntimeError, match="filter: unknown property 'secret'"):
        api.collection_items("enterprises", filter="secret = 1")
