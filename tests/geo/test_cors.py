"""CORS on the map and API paths (geo.cors, docs/adr/0011-cors.md): listed origins are
echoed and may send a token, any other origin reads anonymously (`*`), preflights are 204,
the tile fast path answers with the same headers, and pages never answer another origin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.settings import _env_origins
from tests.tiles.conftest import tile_of, tile_url
from tests.tiles.test_cache import fast_get

LISTED = "https://map.example.gov.cn"
UNLISTED = "https://elsewhere.example.com"
ALLOW = "Access-Control-Allow-Origin"
TILE = tile_of(118.45, 32.15, 9)
EXPOSED = "Content-Crs, Content-Language, Content-Length, Content-Type, ETag, Link"


@pytest.fixture(autouse=True)
def _listed(settings):
    settings.CORS_ORIGINS = frozenset({LISTED})


def varies(headers, name: str = "Origin") -> bool:
    return name in [part.strip() for part in headers.get("Vary", "").split(",")]


def test_listed_origin_is_echoed_exposes_headers_and_sends_no_credentials(client, world):
    for path in ("/tiles/style.json", "/tiles/divisions.json", tile_url("divisions", *TILE),
                 "/ogc/collections/divisions/items", "/api/resources/nearest?lon=118&lat=32"):
        response = client.get(path, HTTP_ORIGIN=LISTED)
        assert response.status_code == 200, path
        assert response[ALLOW] == LISTED, path
        assert response["Access-Control-Expose-Headers"] == EXPOSED
        assert varies(response), path
        assert "Access-Control-Allow-Credentials" not in response


def test_listed_origin_reads_with_a_token_in_the_header(client, world):
    auth = {"HTTP_ORIGIN": LISTED, "HTTP_AUTHORIZATION": f"Bearer {world.tokens['county_a']}"}
    response = client.get("/ogc/collections/enterprises/items", **auth)
    assert (response.status_code, response[ALLOW]) == (200, LISTED)
    assert response.json()["numberReturned"] == 5  # county A's own five
    bad = client.get("/tiles/enterprises.json", HTTP_ORIGIN=LISTED,
                     HTTP_AUTHORIZATION="Bearer not-a-token")
    assert (bad.status_code, bad[ALLOW]) == (401, LISTED)  # the page may read why


def test_unlisted_origin_reads_public_layers_only_anonymously(client, world):
    public = client.get("/ogc/collections/divisions/items", HTTP_ORIGIN=UNLISTED)
    assert (public.status_code, public[ALLOW]) == (200, "*")
    assert public.json()["numberReturned"] == 4
    assert varies(public)
    scoped = client.get("/tiles/enterprises.json", HTTP_ORIGIN=UNLISTED)
    assert (scoped.status_code, scoped[ALLOW]) == (401, "*")
    token = world.tokens["admin"]
    for extra in ({"HTTP_AUTHORIZATION": f"Token {token}"}, {}):
        query = "" if extra else f"?token={token}"
        response = client.get(f"/ogc/collections/enterprises/items{query}",
                              HTTP_ORIGIN=UNLISTED, **extra)
        assert response.status_code == 200  # served, but the page may not read it
        assert ALLOW not in response and varies(response)


def test_preflight_is_204_and_allows_the_token_header_to_listed_origins_only(client, world):
    ask = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET",
           "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization"}
    for path in ("/tiles/style.json", "/ogc/collections/enterprises/items",
                 "/api/resources/nearest"):
        listed = client.options(path, HTTP_ORIGIN=LISTED, **ask)
        assert listed.status_code == 204, path
        assert (listed[ALLOW], listed["Access-Control-Allow-Headers"],
                listed["Access-Control-Allow-Methods"], listed["Access-Control-Max-Age"]) \
            == (LISTED, "Authorization, Accept-Language, If-None-Match", "GET",
                "7200")
        other = client.options(path, HTTP_ORIGIN=UNLISTED, **ask)
        assert (other.status_code, other[ALLOW]) == (204, "*")
        assert other["Access-Control-Allow-Headers"] == "Accept-Language, If-None-Match"
        assert "Access-Control-Allow-Credentials" not in other


def test_fast_path_hit_and_preflight_carry_the_headers_without_a_query(client, world):
    path = tile_url("divisions", *TILE)
    assert client.get(path, HTTP_ACCEPT_ENCODING="gzip").status_code == 200  # fills cache
    with CaptureQueriesContext(connection) as queries:
        status, headers, _ = fast_get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_ORIGIN=UNLISTED)
        listed = fast_get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_ORIGIN=LISTED)[1]
        preflight = fast_get(path, "options", HTTP_ORIGIN=LISTED,
                             HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert len(queries.captured_queries) == 0
    assert (status, headers[ALLOW], headers["Vary"]) == (200, "*", "Accept-Encoding, Origin")
    assert headers["Access-Control-Expose-Headers"] == EXPOSED
    assert listed[ALLOW] == LISTED
    assert preflight[0] == 204
    assert preflight[1]["Access-Control-Allow-Headers"].startswith("Authorization")
    # what the fast path cannot answer falls through to Django, whose middleware adds them
    status, headers, _ = fast_get(tile_url("enterprises", *TILE), HTTP_ORIGIN=UNLISTED)
    assert (status, headers[ALLOW]) == (401, "*")


def test_fast_path_refuses_an_unlisted_page_a_token_hit(client, world):
    path = tile_url("enterprises", *TILE, f"?token={world.tokens['county_b']}")
    client.get(path)  # fills the tile and token caches: the next one is a fast-path hit
    with CaptureQueriesContext(connection) as queries:
        status, headers, _ = fast_get(path, HTTP_ORIGIN=UNLISTED)
    assert (len(queries.captured_queries), status) == (0, 200)
    assert ALLOW not in headers and varies(headers)
    assert fast_get(path, HTTP_ORIGIN=LISTED)[1][ALLOW] == LISTED


def test_pages_admin_and_sign_in_never_answer_another_origin(client, world):
    for path in ("/", "/accounts/login/", "/admin/login/", "/layers/", "/enterprises/",
                 "/dash/onemap/"):
        response = client.get(path, HTTP_ORIGIN=LISTED)
        assert ALLOW not in response, path
        assert not varies(response), path
        preflight = client.options(path, HTTP_ORIGIN=LISTED,
                                   HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
        assert ALLOW not in preflight and preflight.status_code != 204, path


def test_no_origin_header_still_varies_by_origin(client, world):
    response = client.get("/tiles/style.json")
    assert ALLOW not in response and varies(response)


def test_origins_setting_is_checked_and_normalised(monkeypatch):
    monkeypatch.setenv("SAFEATLAS_CORS_ORIGINS",
                       "https://Map.Example.gov.cn/, http://127.0.0.1:8080,https://x.cn:443")
    assert _env_origins("SAFEATLAS_CORS_ORIGINS") == {
        "https://map.example.gov.cn", "http://127.0.0.1:8080", "https://x.cn"}
    for bad in ("*", "map.example.gov.cn", "https://a.cn/path", "ftp://a.cn", "http://a:99999",
                "https://user@a.cn"):
        monkeypatch.setenv("SAFEATLAS_CORS_ORIGINS", bad)
        with pytest.raises(ImproperlyConfigured, match="SAFEATLAS_CORS_ORIGINS"):
            _env_origins("SAFEATLAS_CORS_ORIGINS")
