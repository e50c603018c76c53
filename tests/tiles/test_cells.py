"""Tile versions per cell (ADR 0019): a write makes the tiles over its cells new and
leaves every other cached tile valid; one trigger call per statement, however many rows."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.devices.models import Sensor
from monitoring.devices.services import gateway_create, sensor_create
from monitoring.ingest.services import batch_store
from tests.tiles.conftest import decode, fast_get, tile_of, tile_url
from tiles import versions
from tiles.cache import TileCache, TileEntry, TileKey
from tiles.cells import MARGIN, cell_range, finest
from tiles.pruning import cache_prune
from tiles.sql import BUFFER, EXTENT

SENSORS = "monitoring_sensor"
Z = 14


def _gateway(ent, code: str, sensors: int = 1):
    gw = gateway_create(enterprise=ent, code=code, name=code, geom=ent.geom)
    for i in range(sensors):
        sensor_create(gateway=gw, point=f"T-{i}.level", name=f"液位{i}", indicator="level",
                      measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                      threshold_hh=18, geom=ent.geom)
    return gw


@pytest.fixture
def plants(world):
    """A gateway and sensor in county A (z10 cell 848) and one in county B (cell 849)."""
    yield _gateway(world.enterprises_a[0], "gw-a"), _gateway(world.enterprises_b[0], "gw-b")
    with connection.cursor() as cursor:  # readings are not flushed (partitioned table)
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway IN ('gw-a', 'gw-b')")


def _reading(gateway, value: float, seq: int) -> None:
    now = datetime.now(UTC)
    batch_store({"kind": "batch", "gateway": gateway.code, "records": [
        {"seq": seq, "kind": "reading", "point": "T-0.level",
         "ts": int(now.timestamp() * 1000), "value": value, "quality": "good", "unit": "m",
         "reason": ""}]}, now=now)


def _cells(table: str = SENSORS) -> dict[tuple[int, int], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT x, y, version FROM tiles_cellversion WHERE layer_table = %s",
                       [table])
        return {(x, y): v for x, y, v in cursor.fetchall()}


def _wait_in_memory(tile: tuple[int, int, int], before) -> None:
    """Until this process's listener has heard the committed write."""
    deadline = time.monotonic() + 3.0
    while versions.current([SENSORS], *tile) in (before, None):
        assert time.monotonic() < deadline, "no notification within 3 s"
        time.sleep(0.02)


def _last_values(body: bytes) -> dict[str, float]:
    tile = mapbox_vector_tile.decode(gzip.decompress(body))
    return {f["properties"]["point"]: f["properties"].get("last_value")
            for f in tile["sensors"]["features"]}


@pytest.mark.django_db(transaction=True)
def test_a_batch_renews_the_tiles_over_it_and_leaves_the_others_cached(client, world, plants):
    gw_a, gw_b = plants
    tile_a = tile_of(gw_a.geom.x, gw_a.geom.y, Z)
    tile_b = tile_of(gw_b.geom.x, gw_b.geom.y, Z)
    admin, county_a = world.tokens["admin"], world.tokens["county_a"]
    url_a = tile_url("sensors", *tile_a, f"?token={admin}")
    url_b = tile_url("sensors", *tile_b, f"?token={admin}")
    gzip_ = {"HTTP_ACCEPT_ENCODING": "gzip"}
    first_a = client.get(url_a, **gzip_).content  # fills the caches (tiles, token)
    assert _last_values(client.get(url_b, **gzip_).content) == {"T-0.level": None}
    assert client.get(tile_url("sensors", *tile_b, f"?token={county_a}")).status_code == 204
    before_b = versions.current([SENSORS], *tile_b)
    version_a = versions.current([SENSORS], *tile_a)

    _reading(gw_b, 12.5, seq=1)  # committed at once (autocommit): the trigger notifies
    _wait_in_memory(tile_b, before_b)

    assert versions.current([SENSORS], *tile_a) == version_a
    with CaptureQueriesContext(connection) as queries:
        status, _, body = fast_get(url_a, **gzip_)
    assert (status, body, len(queries)) == (200, first_a, 0)  # a cache hit: no query
    with CaptureQueriesContext(connection) as queries:
        status, _, body = fast_get(url_b, **gzip_)
    assert (status, len(queries)) == (200, 1)  # rendered again: the one tile statement
    assert _last_values(body) == {"T-0.level": 12.5}
    # still scoped per caller: county A sees nothing of county B's sensor
    assert fast_get(tile_url("sensors", *tile_b, f"?token={county_a}"))[0] == 204


def test_a_move_bumps_the_old_and_the_new_cell(client, world, plants,
                                               django_capture_on_commit_callbacks):
    gw_a, gw_b = plants
    client.force_login(world.users["admin"])
    tile_a = tile_of(gw_a.geom.x, gw_a.geom.y, Z)
    tile_b = tile_of(gw_b.geom.x, gw_b.geom.y, Z)
    assert len(decode(client.get(tile_url("sensors", *tile_a)))["sensors"]["features"]) == 1
    assert len(decode(client.get(tile_url("sensors", *tile_b)))["sensors"]["features"]) == 1
    before = _cells()
    sensor = Sensor.objects.get(gateway=gw_a)
    with django_capture_on_commit_callbacks(execute=True):
        sensor.geom = Point(gw_b.geom.x + 0.0001, gw_b.geom.y, srid=4326)
        sensor.save()
    after = _cells()
    old, new = (848, 415), (849, 415)
    assert after[old] == after[new] > max(before.values())
    assert {cell: v for cell, v in after.items() if cell not in (old, new)} \
        == {cell: v for cell, v in before.items() if cell not in (old, new)}
    assert client.get(tile_url("sensors", *tile_a)).status_code == 204
    points = {f["properties"]["gateway"]
              for f in decode(client.get(tile_url("sensors", *tile_b)))["sensors"]["features"]}
    assert points == {"gw-a", "gw-b"}


def test_a_delete_bumps_its_cell_only(client, world, plants,
                                      django_capture_on_commit_callbacks):
    gw_a, gw_b = plants
    client.force_login(world.users["admin"])
    url_b = tile_url("sensors", *tile_of(gw_b.geom.x, gw_b.geom.y, Z))
    assert len(decode(client.get(url_b))["sensors"]["features"]) == 1
    before = _cells()
    with django_capture_on_commit_callbacks(execute=True):
        Sensor.objects.filter(gateway=gw_b).delete()
    after = _cells()
    assert after[(849, 415)] > before[(849, 415)]
    assert after[(848, 415)] == before[(848, 415)]
    assert client.get(url_b).status_code == 204


def _trigger_calls() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                       "WHERE funcname = 'tiles_bump_cell_versions'")
        return cursor.fetchone()[0]


def test_many_rows_in_one_statement_are_one_trigger_call_and_one_version(world):
    ents = [world.enterprises_a[0], world.enterprises_a[4], world.enterprises_b[0]]
    gateways = [_gateway(ent, f"gw-{i}", sensors=100) for i, ent in enumerate(ents)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
        calls = _trigger_calls()
        before = _cells()
        cursor.execute("UPDATE monitoring_sensor SET last_value = 1.5")
        assert cursor.rowcount == 300
    assert _trigger_calls() == calls + 1
    bumped = {cell: v for cell, v in _cells().items() if before.get(cell) != v}
    assert set(bumped) == {(848, 415), (849, 415)}  # the three plants lie in two cells
    assert len(set(bumped.values())) == 1
    # the ingest: a batch of 100 readings costs as many trigger calls as a batch of 1
    now = int(datetime.now(UTC).timestamp() * 1000)
    counts = []
    for seq0, n in ((1, 1), (1000, 100)):
        calls = _trigger_calls()
        batch_store({"kind": "batch", "gateway": gateways[2].code, "records": [
            {"seq": seq0 + i, "kind": "reading", "point": f"T-{i}.level", "ts": now + seq0,
             "value": 3.0, "quality": "good", "unit": "m", "reason": ""}
            for i in range(n)]})
        counts.append(_trigger_calls() - calls)
    assert counts[0] == counts[1] >= 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = %s", [gateways[2].code])


def test_a_wide_row_bumps_the_layer_wide_version(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(version), 0) FROM tiles_layerversion "
                       "WHERE layer_table = 'geo_division'")
        before = cursor.fetchone()[0]
        cells = _cells("geo_division")
        # the province box spans 3 x 3 cells; a whole-country polygon spans thousands
        cursor.execute("UPDATE geo_division SET geom = ST_Multi(ST_MakeEnvelope("
                       "73, 18, 135, 53, 4326)) WHERE code = '320000000000'")
        cursor.execute("SELECT version FROM tiles_layerversion "
                       "WHERE layer_table = 'geo_division'")
        assert cursor.fetchone()[0] > before
    assert _cells("geo_division") == cells


@pytest.mark.django_db(transaction=True)
def test_memory_and_database_agree_at_every_zoom_and_on_cell_edges(client, world, plants):
    """The pyramid in memory and the fallback query give the same version for tiles at
    every zoom; a row just inside the next cell changes the tile whose buffer reaches it."""
    gw_a, _ = plants
    client.get(tile_url("sensors", *tile_of(gw_a.geom.x, gw_a.geom.y, Z),
                        f"?token={world.tokens['admin']}"))  # starts the listener
    edge = 849 / 1024 * 360 - 180  # east edge of cell 848
    tile = (13, 849 * 8, tile_of(edge, 32.12, 13)[2])  # the z13 tile east of it (cell 849)
    east = (13, tile[1] + 1, tile[2])  # its neighbour, whose buffer does not reach 848
    with connection.cursor() as cursor:  # into the buffer of `tile`, still in cell 848
        cursor.execute("UPDATE monitoring_sensor SET geom = ST_SetSRID(ST_MakePoint(%s, "
                       "32.12), 4326) WHERE gateway_id = 'gw-a'", [edge - 0.00005])
        before, before_east = (versions.from_database([SENSORS], *t) for t in (tile, east))
        cursor.execute("UPDATE monitoring_sensor SET last_value = 7 WHERE gateway_id = 'gw-a'")
    assert _cells()[(848, 415)] > _cells()[(849, 415)]  # the value change: 848 only
    assert versions.from_database([SENSORS], *tile) > before
    assert versions.from_database([SENSORS], *east) == before_east
    _wait_in_memory(tile, before)
    for z in range(0, 19):
        for dx in (-1, 0, 1):
            _, x, y = tile_of(edge, 32.12, z)
            x = max(0, min(2**z - 1, x + dx))
            assert versions.current([SENSORS], z, x, y) \
                == versions.from_database([SENSORS], z, x, y), (z, x, y)


def test_cell_range_covers_the_tile_and_its_buffer():
    assert MARGIN == BUFFER / EXTENT  # the margin is the render buffer
    assert cell_range(14, 848 * 16 + 5, 415 * 16 + 5) == (10, 848, 848, 415, 415)
    assert cell_range(14, 848 * 16, 415 * 16) == (10, 847, 848, 414, 415)  # on an edge
    assert cell_range(9, 424, 207) == (10, 847, 850, 413, 416)
    assert cell_range(4, 13, 6) == (6, 51, 56, 23, 28)  # 36 entries at most
    assert finest((6, 51, 56, 23, 28)) == (816, 911, 368, 463)
    assert cell_range(0, 0, 0) == (2, 0, 3, 0, 3)


def test_pruning_keeps_the_newest_file_of_each_tile(tmp_path):
    cache = TileCache(tmp_path, items=0)
    for versions_, y in (((5,), 1), ((7,), 1), ((6,), 1), ((3,), 2), ((2, 1), 1), ((3, 9), 1)):
        layers = ("sensors",) if len(versions_) == 1 else ("sensors", "alarms")
        cache.put(TileKey(layers, versions_, "all", 14, 3, y), TileEntry.from_mvt(b"x"))
    old_layout = tmp_path / "sensors" / "4" / "all" / "14" / "3"
    old_layout.mkdir(parents=True)
    (old_layout / "1.mvt.gz").write_bytes(b"")
    (tmp_path / "sensors" / "all" / "14" / "3" / "1.8.mvt.gz").write_bytes(b"")  # format 1
    assert cache_prune(tmp_path) == 5
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["sensors+alarms/all/14/3/1.3-9.v2.mvt.gz", "sensors/all/14/3/1.7.v2.mvt.gz",
                    "sensors/all/14/3/2.3.v2.mvt.gz"]
    assert not (tmp_path / "sensors" / "4").exists()
    assert cache.get(TileKey(("sensors",), (7,), "all", 14, 3, 1)) == TileEntry.from_mvt(b"x")


def test_the_hourly_job_prunes_the_tiles_a_write_orphaned(client, world, settings,
                                                          django_capture_on_commit_callbacks):
    from tiles.tasks import tile_cache_prune

    client.force_login(world.users["admin"])
    ent = world.enterprises_b[0]
    url = tile_url("enterprises", *tile_of(ent.geom.x, ent.geom.y, Z))

    def files() -> set[str]:
        return {p.name for p in settings.TILE_CACHE_DIR.rglob("*.mvt.gz")}

    client.get(url)
    first = files()
    with django_capture_on_commit_callbacks(execute=True):
        ent.name = "改名化工有限公司"
        ent.save()
    renamed = client.get(url).content
    assert len(first) == 1 and len(files() - first) == 1  # one more version of the tile
    current = files() - first
    assert tile_cache_prune(timestamp=0) == 1
    assert files() == current
    assert client.get(url).content == renamed


def test_rows_without_a_place_touch_no_cell(world, plants):
    before = _cells()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE monitoring_sensor SET geom = 'SRID=4326;POINT EMPTY' "
                       "WHERE gateway_id = 'gw-a' AND false")
        assert _cells() == before  # no row: no bump
        cursor.execute("INSERT INTO monitoring_sensor (enterprise_id, gateway_id, point, "
                       "name, indicator, tag, measure_unit, cas, in_use, division_code, "
                       "last_quality, alarm_state, geom) SELECT enterprise_id, gateway_id, "
                       "'E-1.level', name, indicator, tag, measure_unit, cas, in_use, "
                       "division_code, last_quality, alarm_state, 'SRID=4326;POINT EMPTY' "
                       "FROM monitoring_sensor WHERE gateway_id = 'gw-a'")
    assert _cells() == before
