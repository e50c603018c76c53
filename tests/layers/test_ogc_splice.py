"""GeoJSON items pages spliced from PostGIS's text (layers.ogc.splice) answer exactly what
pygeoapi's own serialisation of the parsed page answers."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from layers.ogc import provider

ITEMS = "/ogc/collections/enterprises/items"
QUERIES = [
    "",
    "?limit=3",
    "?limit=3&offset=3",
    "?limit=3&offset=6&f=json",
    "?bbox=118,32,118.5,32.5&sortby=-name&properties=name,risk_level",
    "?risk_level=2&crs=http://www.opengis.net/def/crs/EPSG/0/4326",
    "?skipGeometry=true&limit=2",
    "?bbox=0,0,1,1",  # no feature
    "?q=化工&lang=en",
]


def _answer(client, world, query: str) -> tuple[str, dict]:
    response = client.get(ITEMS + query, HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    assert response.status_code == 200, response.content[:300]
    body = json.loads(response.content)
    del body["timeStamp"]
    return response["Content-Type"], body


@pytest.mark.parametrize("query", QUERIES)
def test_spliced_page_equals_the_parsed_page(client, world, monkeypatch, query):
    spliced = _answer(client, world, query)
    monkeypatch.setattr(provider, "current_splice", lambda: None)  # pygeoapi serialises
    assert spliced == _answer(client, world, query)


def test_geojson_pages_are_not_parsed_in_python(client, world, monkeypatch):
    def refuse(text, *args, **kwargs):
        raise AssertionError("the page was parsed")

    monkeypatch.setattr(provider, "json", SimpleNamespace(loads=refuse))
    for query in ("?limit=3", "?limit=3&f=json"):
        body = _answer(client, world, query)[1]
        assert (body["numberMatched"], body["numberReturned"], len(body["features"])) == (8, 3, 3)
        assert body["features"][0]["properties"]["name"] == "测试化工1号有限公司"


def test_other_formats_still_get_parsed_features(client, world):
    token = f"Token {world.tokens['admin']}"
    jsonld = client.get(ITEMS + "?f=jsonld&limit=2", HTTP_AUTHORIZATION=token)
    assert jsonld.status_code == 200
    assert len(json.loads(jsonld.content)["features"]) == 2
    csv = client.get(ITEMS + "?f=csv&limit=2", HTTP_AUTHORIZATION=token)
    assert csv.status_code == 200
    assert len(csv.content.decode().strip().splitlines()) == 3  # header + 2 rows
