"""Vector tile benchmark: our /tiles (granian, 2 workers) against TiPg serving the same
enterprises table, against the bare ST_AsMVT statement over psycopg (cold rows) and
against nginx serving the same tile bytes from files (warm rows: the ceiling).

    python -m bench.tiles [--synthetic 200000] [--duration 8] [--zoom 14 ...]

Cold = every tile requested once with an empty cache (a layer version bump before each
round makes every key new); warm = wrk cycling through the same tiles, all cached.
The site is warmed up first (workers started, token, scope and version caches filled),
so cold rows measure rendering tiles, not starting processes.
Static = the gzip bodies our site answered, written to files and served by nginx with
as many workers as the site (`bench.common.static_files`): no HTTP server can answer
the same bytes faster, so it is the ceiling of the warm rows.
Tiles are picked from wherever enterprises are, so any data set works; `--synthetic N`
inserts N enterprises over a province-sized box first and deletes them afterwards.
Goals: warm >= 3,000 tiles/s, >= 2x TiPg and >= 0.5x static; cold >= 0.8x the bare
statement.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from geo.scope import EVERYTHING  # noqa: E402
from layers.base import registry  # noqa: E402
from tiles.answer import MVT_TYPE  # noqa: E402
from tiles.sql import tile_sql  # noqa: E402

LAYER = registry.get("enterprises")
TABLE = LAYER.table()
MARK = "BENCH"  # credit_code prefix of synthetic rows
TILES_PER_ZOOM = {6: 0, 10: 150, 14: 300}  # 0 = every tile with data
GOALS = [  # (group suffix, workload, peer, ratio): printed under the table
    ("cold", "ours", "bare ST_AsMVT", 0.8),
    ("warm", "ours", "tipg", 2.0),
    ("warm", "ours", "static", 0.5),
]
GZIP = {"Accept-Encoding": "gzip"}


def insert_synthetic(conn, n: int) -> None:
    """n enterprises uniformly over roughly Jiangsu (116.4-121.9 E, 30.8-35.1 N)."""
    conn.execute(f"""
        INSERT INTO {TABLE} (name, credit_code, industry, division_code, address,
                             risk_level, has_major_hazard, geom, updated)
        SELECT '基准企业' || i, '{MARK}' || lpad(i::text, 13, '0'), 'C26',
               '32' || lpad((1 + i %% 13)::text, 2, '0') || '01001001', '基准路' || i || '号',
               1 + i %% 4, i %% 10 = 0,
               ST_SetSRID(ST_MakePoint(116.4 + random() * 5.5, 30.8 + random() * 4.3), 4326),
               now()
        FROM generate_series(1, %s) AS i""", [n])
    conn.execute(f"ANALYZE {TABLE}")


def delete_synthetic(conn) -> None:
    conn.execute(f"DELETE FROM {TABLE} WHERE credit_code LIKE '{MARK}%%'")


def tile_list(conn, z: int, limit: int) -> list[tuple[int, int, int]]:
    """Distinct tiles holding enterprises at zoom z, from a sample of the rows."""
    rows = conn.execute(f"SELECT ST_X(geom), ST_Y(geom) FROM {TABLE} "
                        f"ORDER BY md5(id::text) LIMIT 20000").fetchall()
    tiles = list(dict.fromkeys(_tile_of(x, y, z) for x, y in rows))
    return tiles[:limit] if limit else tiles


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return z, int((lon + 180.0) / 360.0 * n), int(y)


def bench_token() -> str:
    from geo.models import Role, User
    from geo.tokens import token_create

    user, _ = User.objects.get_or_create(
        username="bench-tiles", defaults={"role": Role.ADMIN, "is_superuser": True})
    return token_create(user=user, name="bench")


def bump_version(conn) -> None:
    """A layer-wide version bump, as the TRUNCATE trigger does (ADR 0019): every key of
    the layer is new. (A write bumps only its rows' cells; one touching every row of a
    million-row table would time the update, not the tiles.)"""
    conn.execute("""
        WITH v AS (
            INSERT INTO tiles_layerversion (layer_table, version)
            VALUES (%s, nextval('tiles_layerversion_seq'))
            ON CONFLICT (layer_table) DO UPDATE SET version = excluded.version
            RETURNING version)
        SELECT pg_notify('layer_version', %s || ':' || version) FROM v""", [TABLE, TABLE])
    time.sleep(0.3)  # let the site's listeners hear it


def bare(tiles: list[tuple[int, int, int]], group: str) -> common.Result:
    def run(conn, tile):
        sql, params = tile_sql([LAYER], EVERYTHING, *tile)
        conn.execute(sql, params).fetchone()

    return common.pool("bare ST_AsMVT", run, tiles, workers=4, group=group,
                       setup=lambda: psycopg.connect(common.psycopg_conninfo(),
                                                     autocommit=True))


def run_zoom(z: int, tiles, site, tipg, static, token: str, conn, duration: float) -> list:
    ours = [f"/tiles/{LAYER.id}/{z}/{x}/{y}.mvt?token={token}" for _, x, y in tiles]
    theirs = [f"/collections/public.{TABLE}/tiles/WebMercatorQuad/{z}/{x}/{y}"
              for _, x, y in tiles]
    rounds = max(1, math.ceil(40 / len(tiles)))  # enough cold requests at low zoom
    cold_group, warm_group = f"z{z} cold", f"z{z} warm"
    rows = [bare(tiles * rounds, cold_group)]
    results = []
    for _ in range(rounds):
        bump_version(conn)
        results.append(common.http_once(site.base, ours, name="ours", headers=GZIP,
                                        group=cold_group))
    rows.append(_merge(results))
    rows.append(common.http_once(tipg.base, theirs * rounds, name="tipg", headers=GZIP,
                                 group=cold_group))
    rows.append(common.wrk(site.base, ours, name="ours", duration=duration, headers=GZIP,
                           group=warm_group))
    rows.append(common.wrk(tipg.base, theirs, name="tipg", duration=duration, headers=GZIP,
                           group=warm_group))
    copy_tiles(site, ours, static.root)
    # The very same request paths: nginx maps them to the files and ignores the query.
    rows.append(common.wrk(static.base, ours, name="static", duration=duration,
                           headers=GZIP, group=warm_group))
    return rows


def copy_tiles(site, paths: list[str], root: Path) -> None:
    """Write the gzip body our site answers for each path to root/<path> (an empty file
    for a 204), so the static server answers the same bytes."""
    for path in paths:
        request = urllib.request.Request(site.url(path), headers=GZIP)
        with urllib.request.urlopen(request) as response:
            body = response.read()
        target = root / path.split("?")[0].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        target.chmod(0o644)


def warm_up(site, token: str, conn, duration: float = 2.0) -> None:
    """Start every worker's caches (token, scope, layer versions, connection) with a
    short wrk run over a few detail tiles, so cold rows time tiles, not start-up."""
    z = max(TILES_PER_ZOOM)
    paths = [f"/tiles/{LAYER.id}/{z}/{x}/{y}.mvt?token={token}"
             for _, x, y in tile_list(conn, z, 50)]
    common.wrk(site.base, paths, name="warm-up", duration=duration, headers=GZIP)


def print_goals(rows: list[common.Result]) -> None:
    """One line per goal and zoom: the measured ratio against the goal."""
    rps = {(r.group, r.name): r.rps for r in rows}
    print("goals:", flush=True)
    for group in dict.fromkeys(r.group for r in rows):
        for kind, name, peer, goal in GOALS:
            mine, theirs = rps.get((group, name)), rps.get((group, peer))
            if group.endswith(kind) and mine is not None and theirs:
                ratio = mine / theirs
                verdict = "met" if ratio >= goal else "NOT met"
                print(f"  {group:<10} {name} >= {goal}x {peer}: {ratio:.2f}x {verdict}",
                      flush=True)
    for group in dict.fromkeys(r.group for r in rows if r.group.endswith("warm")):
        mine = rps.get((group, "ours"), 0.0)
        verdict = "met" if mine >= 3000 else "NOT met"
        print(f"  {group:<10} ours >= 3000 req/s: {mine:.0f} {verdict}", flush=True)


def _merge(results: list[common.Result]) -> common.Result:
    """Rounds of one workload as one row (p50/p95 as the request-weighted mean)."""
    n = sum(r.requests for r in results)
    seconds = sum(r.seconds for r in results)
    return common.Result(results[0].name, n, seconds, n / seconds,
                         sum(r.p50_ms * r.requests for r in results) / n,
                         sum(r.p95_ms * r.requests for r in results) / n,
                         sum(r.errors for r in results), results[0].group)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--zoom", type=int, action="append", choices=sorted(TILES_PER_ZOOM),
                        help="only these zooms (repeatable); default all")
    args = parser.parse_args()
    conn = psycopg.connect(common.psycopg_conninfo(), autocommit=True)
    if args.synthetic:
        insert_synthetic(conn, args.synthetic)
    token = bench_token()
    try:
        count = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
        print(f"{count} enterprises in {TABLE}", flush=True)
        rows = []
        cache_dir = tempfile.mkdtemp(prefix="bench-tiles-")
        static_root = tempfile.mkdtemp(prefix="bench-tiles-static-")
        with common.site(env={"TILE_CACHE_DIR": cache_dir}) as site, \
                common.tipg(tables=[TABLE], workers=2) as tipg, \
                common.static_files(Path(static_root), types={"mvt": MVT_TYPE},
                                    headers={"Content-Encoding": "gzip"}) as static:
            warm_up(site, token, conn)
            for z, limit in TILES_PER_ZOOM.items():
                if args.zoom and z not in args.zoom:
                    continue
                tiles = tile_list(conn, z, limit)
                print(f"z{z}: {len(tiles)} tiles", flush=True)
                rows += run_zoom(z, tiles, site, tipg, static, token, conn, args.duration)
        common.print_table("vector tiles (req/s, latency ms)", rows,
                           ratio_to=["tipg", "bare ST_AsMVT", "static"])
        print_goals(rows)
    finally:
        if args.synthetic:
            delete_synthetic(conn)
        conn.close()


if __name__ == "__main__":
    main()
