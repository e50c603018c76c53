"""Cache: never stale after a write; cache hits answered by the fast path without a query."""

from __future__ import annotations

import gzip
import time

import mapbox_vector_tile
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layers.base import registry
from tests.tiles.conftest import decode, fast_get, names, tile_of, tile_url
from tiles import versions

TILE = tile_of(118.45, 32.15, 9)


def test_every_layer_table_has_the_version_triggers(db):
    """The three cell triggers (statement-level, with transition tables) and the
    TRUNCATE one on every layer table, and ADR 0002's per-layer trigger on none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                       "WHERE tgname LIKE 'tiles%%'")
        found = set(cursor.fetchall())
    expected = {(name, layer.table()) for layer in registry.all()
                for name in ("tiles_cells_insert", "tiles_cells_update",
                             "tiles_cells_delete", "tiles_layer_truncate")}
    assert found == expected


def detail_url(enterprise, query: str = "") -> str:
    """The z14 tile holding the enterprise: detail zooms carry every property."""
    return tile_url("enterprises", *tile_of(enterprise.geom.x, enterprise.geom.y, 14), query)


def tile_names(response) -> set[str]:
    return {f["properties"]["name"] for f in decode(response)["enterprises"]["features"]}


def test_orm_edit_is_seen_by_the_next_tile(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["admin"])
    ent = world.enterprises_a[1]
    url = detail_url(ent)
    assert "测试化工2号有限公司" in tile_names(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        ent.name, ent.risk_level = "改名化工有限公司", 1
        ent.save()
    tile = decode(client.get(url))
    assert "测试化工2号有限公司" not in tile_names(client.get(url))
    edited = next(f for f in tile["enterprises"]["features"] if f["id"] == ent.pk)
    assert (edited["properties"]["name"], edited["properties"]["risk_level"]) \
        == ("改名化工有限公司", 1)


def test_orm_delete_is_seen_by_the_next_tile(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["admin"])
    url = tile_url("enterprises", *TILE)
    assert len(names(decode(client.get(url)))) == 8
    with django_capture_on_commit_callbacks(execute=True):
        world.enterprises_b[0].delete()
    assert "测试化工11号有限公司" not in names(decode(client.get(url)))


@pytest.mark.django_db(transaction=True)
def test_raw_sql_edit_is_delivered_by_listen_notify(client, world):
    url = detail_url(world.enterprises_a[2], f"?token={world.tokens['admin']}")
    assert "测试化工3号有限公司" in tile_names(client.get(url))
    tile = tile_of(world.enterprises_a[2].geom.x, world.enterprises_a[2].geom.y, 14)
    before = versions.current(["registry_enterprise"], *tile)
    with connection.cursor() as cursor:  # autocommit: the trigger notifies at once
        cursor.execute("UPDATE registry_enterprise SET name = %s WHERE id = %s",
                       ["原始SQL化工有限公司", world.enterprises_a[2].pk])
    deadline = time.monotonic() + 3.0
    while versions.current(["registry_enterprise"], *tile) == before:
        assert time.monotonic() < deadline, "no notification within 3 s"
        time.sleep(0.02)
    after = tile_names(client.get(url))
    assert "原始SQL化工有限公司" in after
    assert "测试化工3号有限公司" not in after


def test_fast_path_hit_is_identical_and_queries_nothing(client, world):
    token = world.tokens["county_b"]
    path = tile_url("enterprises", *TILE, f"?token={token}")
    slow = client.get(path, HTTP_ACCEPT_ENCODING="gzip")  # fills cache and token cache
    assert slow.status_code == 200 and slow["Content-Encoding"] == "gzip"
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = fast_get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert len(queries.captured_queries) == 0
    assert (status, body) == (200, slow.content)
    assert headers["ETag"] == slow["ETag"]
    assert headers["Cache-Control"] == "private, no-cache"
    assert names(mapbox_vector_tile.decode(gzip.decompress(body))) \
        == {f"测试化工{i}号有限公司" for i in range(11, 14)}


def test_fast_path_with_session_cookie_and_header_token(client, world):
    client.force_login(world.users["county_a"])
    path = tile_url("enterprises", *TILE)
    slow = client.get(path)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with CaptureQueriesContext(connection) as queries:
        status, _, body = fast_get(path, HTTP_COOKIE=cookie)
    assert len(queries.captured_queries) == 0
    assert (status, body) == (200, slow.content)
    client.logout()
    header = f"Token {world.tokens['county_a']}"
    client.get(path, HTTP_AUTHORIZATION=header)
    for scheme in ("Token", "Bearer"):  # both name the same key, known to the cache now
        with CaptureQueriesContext(connection) as queries:
            status, _, body = fast_get(
                path, HTTP_AUTHORIZATION=f"{scheme} {world.tokens['county_a']}")
        assert len(queries.captured_queries) == 0
        assert (status, body) == (200, slow.content)


def test_fast_path_misses_fall_through_to_django(client, world):
    path = tile_url("enterprises", *TILE)
    assert fast_get(path)[0] == 401  # anonymous: Django refuses
    token_path = tile_url("enterprises", *TILE, f"?token={world.tokens['county_b']}")
    status, _, body = fast_get(token_path)  # unknown token, cold cache: Django renders
    assert status == 200
    assert names(mapbox_vector_tile.decode(body)) \
        == {f"测试化工{i}号有限公司" for i in range(11, 14)}


def test_gzip_etag_and_not_modified(client, world):
    path = tile_url("divisions", *TILE)
    plain = client.get(path)
    zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] == plain["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    assert fast_get(path, HTTP_IF_NONE_MATCH=plain["ETag"])[0] == 304


def test_fast_path_renders_a_miss_for_a_known_caller_with_one_query(client, world):
    token = world.tokens["admin"]
    client.get(tile_url("divisions", *TILE, f"?token={token}"))  # caller now known
    path = tile_url("enterprises", *TILE, f"?token={token}")
    with CaptureQueriesContext(connection) as queries:
        status, _, body = fast_get(path)
    assert len(queries.captured_queries) == 1
    assert "ST_AsMVT" in queries.captured_queries[0]["sql"]
    assert names(mapbox_vector_tile.decode(body)) == {
        f"测试化工{i}号有限公司" for i in [1, 2, 3, 4, 5, 11, 12, 13]}
    with CaptureQueriesContext(connection) as queries:
        assert fast_get(path)[2] == body
    assert len(queries.captured_queries) == 0


def test_file_cache_survives_a_pruned_folder(tmp_path):
    import shutil

    from tiles.cache import TileCache, TileEntry, TileKey

    cache = TileCache(tmp_path / "c", items=0)  # no memory: reads come from files
    key = TileKey(("enterprises",), (7,), "all", 14, 1, 2)
    cache.put(key, TileEntry.from_mvt(b"abc"))
    shutil.rmtree(tmp_path / "c")  # e.g. old versions pruned by a job
    cache.put(key, TileEntry.from_mvt(b"abcd"))
    assert cache.get(key) == TileEntry.from_mvt(b"abcd")


def test_tile_statement_is_prepared_on_the_connection(client, world):
    """Cold tiles skip planning: Django's connections never prepare on their own."""
    client.force_login(world.users["admin"])
    assert client.get(tile_url("enterprises", *TILE)).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                       "WHERE statement LIKE '%%ST_AsMVT%%'")
        assert cursor.fetchone()[0] == 1
