"""Real OGC API clients against /ogc/ served over a socket: GDAL's OAPIF driver and OWSLib."""

from __future__ import annotations

import json
import subprocess

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
