"""The incidents layer through its OGC API collection and its vector tiles: each county
sees its own incidents only, the province both, visitors none."""

from __future__ import annotations

import pytest

from tests.response.conftest import IN_A, IN_B, receive
from tests.tiles.conftest import decode, tile_of, tile_url

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/incidents/items?f=json&limit=100"
TILE = tile_of(118.5, 32.2, 9)  # both counties' points in one tile


def _ogc_ids(client, token=None) -> set[int]:
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    answer = client.get(ITEMS, **headers)
    if answer.status_code != 200:
        return set()
    return {f["id"] for f in answer.json()["features"]}


def _tile_count(client, user) -> int:
    client.force_login(user)
    tile = decode(client.get(tile_url("incidents", *TILE)))
    return len(tile["incidents"]["features"]) if "incidents" in tile else 0


def test_ogc_and_tiles_in_scope(client, world, people):
    a = receive(people["county_a"], point=IN_A)
    b = receive(people["county_b"], point=IN_B)
    assert _ogc_ids(client, world.tokens["county_a"]) == {a.pk}
    assert _ogc_ids(client, world.tokens["county_b"]) == {b.pk}
    assert _ogc_ids(client, world.tokens["province"]) == {a.pk, b.pk}
    assert _ogc_ids(client, world.tokens["enterprise"]) == set()
    assert _ogc_ids(client) == set()
    headers = {"HTTP_AUTHORIZATION": f"Token {world.tokens['county_b']}"}
    assert client.get(f"/ogc/collections/incidents/items/{a.pk}?f=json",
                      **headers).status_code == 404
    assert _tile_count(client, people["county_a"]) == 1
    assert _tile_count(client, people["county_b"]) == 1
    assert _tile_count(client, people["province"]) == 2
    assert _tile_count(client, people["enterprise"]) == 0
