"""Every face of a tile request applies the caller's scope."""

from __future__ import annotations

import pytest

from geo.models import Role, User
from tests.tiles.conftest import decode, names, tile_of, tile_url

A_NAMES = {f"测试化工{i}号有限公司" for i in range(1, 6)}
B_NAMES = {f"测试化工{i}号有限公司" for i in range(11, 14)}
TILE = tile_of(118.45, 32.15, 9)


def test_county_b_session_sees_only_county_b(client, world):
    client.force_login(world.users["county_b"])
    assert names(decode(client.get(tile_url("enterprises", *TILE)))) == B_NAMES


def test_county_b_query_token_sees_only_county_b(client, world):
    query = f"?token={world.tokens['county_b']}"
    assert names(decode(client.get(tile_url("enterprises", *TILE, query)))) == B_NAMES


def test_county_b_header_token_sees_only_county_b(client, world):
    response = client.get(tile_url("enterprises", *TILE),
                          HTTP_AUTHORIZATION=f"Token {world.tokens['county_b']}")
    assert names(decode(response)) == B_NAMES


def test_enterprise_user_sees_its_own_enterprise(client, world):
    client.force_login(world.users["enterprise"])
    assert names(decode(client.get(tile_url("enterprises", *TILE)))) == {"测试化工1号有限公司"}


def test_province_sees_both_counties(client, world):
    client.force_login(world.users["province"])
    assert names(decode(client.get(tile_url("enterprises", *TILE)))) == A_NAMES | B_NAMES


def test_scopes_never_share_a_cached_tile(client, world):
    client.force_login(world.users["county_a"])
    assert names(decode(client.get(tile_url("enterprises", *TILE)))) == A_NAMES
    client.force_login(world.users["county_b"])
    assert names(decode(client.get(tile_url("enterprises", *TILE)))) == B_NAMES


def test_anonymous_gets_divisions_but_not_enterprises(client, world):
    tile = decode(client.get(tile_url("divisions", *TILE)))
    assert {f["properties"]["name"] for f in tile["divisions"]["features"]} \
        == {"测试省", "测试市", "甲县", "乙县"}
    response = client.get(tile_url("enterprises", *TILE))
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录或提供访问令牌"}
    assert client.get(tile_url("divisions,enterprises", *TILE)).status_code == 401
    assert client.get("/tiles/enterprises.json").status_code == 401


def test_signed_in_user_without_jurisdiction_is_forbidden(client, world):
    nobody = User.objects.create_user("nobody", password="pw", role=Role.ANALYST)
    client.force_login(nobody)
    response = client.get(tile_url("enterprises", *TILE))
    assert response.status_code == 403
    assert response.json() == {"detail": "无权查看该图层"}


def test_bad_token_is_401(client, world):
    assert client.get(tile_url("divisions", *TILE, "?token=nope")).status_code == 401


@pytest.mark.parametrize(("layer", "cache_control"), [
    ("divisions", "public, no-cache"), ("enterprises", "private, no-cache")])
def test_cache_control_follows_the_layer(client, world, layer, cache_control):
    client.force_login(world.users["admin"])
    assert client.get(tile_url(layer, *TILE))["Cache-Control"] == cache_control
