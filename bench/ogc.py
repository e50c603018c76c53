"""OGC API - Features benchmark: bbox pages of enterprises at limit 100 and 1,000.

Peers, all reading the same `registry_enterprise` table of the dev cluster:
- ours:     /ogc/ (pygeoapi inside Django, LayerProvider) under granian, 2 workers
- pygeoapi: stock pygeoapi 0.21 with its built-in PostgreSQL provider (Flask app)
            under granian, 2 workers
- tipg:     TiPg under uvicorn, 2 workers
- sql:      the bare page statement our provider runs, through psycopg (the floor)

Every server returns the same seven properties (peers are asked with `properties=`).
Runs against whatever enterprises exist; `--synthetic N` inserts N random enterprises
in Jiangsu first and deletes them afterwards.

    .venv/bin/python -m bench.ogc [--synthetic 200000] [--duration 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import psycopg

from bench import common

TABLE = "registry_enterprise"
MARK = "OGCBENCH-"
PROPERTIES = "name,credit_code,industry,risk_level,division_code,address,has_major_hazard"
BOXES = 8  # an 8 x 8 grid of bboxes over the data extent


# ---- data ---------------------------------------------------------------------------------

def insert_synthetic(conn: psycopg.Connection, count: int) -> None:
    """`count` enterprises spread uniformly over Jiangsu (116.3–121.9 E, 30.7–35.1 N)."""
    conn.execute("SELECT setseed(0.42)")
    conn.execute(f"""
        INSERT INTO {TABLE} (name, credit_code, industry, division_code, address, risk_level,
                             has_major_hazard, geom, updated)
        SELECT '{MARK}' || i, 'OB' || lpad(i::text, 16, '0'), 'C2614',
               '3201' || lpad((i %% 12 + 1)::text, 2, '0') || '001001', '测试路' || i || '号',
               1 + i %% 4, i %% 7 = 0,
               ST_SetSRID(ST_MakePoint(116.3 + random() * 5.6, 30.7 + random() * 4.4), 4326),
               now()
        FROM generate_series(1, %s) AS i""", [count])
    conn.execute(f"ANALYZE {TABLE}")


def delete_synthetic(conn: psycopg.Connection) -> None:
    conn.execute(f"DELETE FROM {TABLE} WHERE name LIKE %s", [MARK + "%"])
    conn.execute(f"ANALYZE {TABLE}")


def bboxes(conn: psycopg.Connection) -> list[str]:
    """BOXES x BOXES cells over the data extent, as bbox query values."""
    row = conn.execute(f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                       f"FROM (SELECT ST_Extent(geom) e FROM {TABLE}) x").fetchone()
    if row[0] is None:
        raise SystemExit("no enterprises: load data first or pass --synthetic N")
    x0, y0, x1, y1 = row
    dx, dy = (x1 - x0) / BOXES, (y1 - y0) / BOXES
    return [f"{x0 + i * dx:.6f},{y0 + j * dy:.6f},{x0 + (i + 1) * dx:.6f},{y0 + (j + 1) * dy:.6f}"
            for j in range(BOXES) for i in range(BOXES)]


# ---- our site's caller --------------------------------------------------------------------

def bench_token() -> tuple[str, int]:
    """A superuser token (unscoped, like the peers) for a throw-away bench user."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    os.environ.setdefault("DATABASE_URL", common.database_url())
    import django

    django.setup()
    from geo.models import Role, User
    from geo.tokens import token_create

    User.objects.filter(username="ogc-bench").delete()
    user = User.objects.create_superuser("ogc-bench", password=None, role=Role.ADMIN)
    return token_create(user=user, name="bench"), user.pk


def drop_bench_user(user_id: int) -> None:
    from geo.models import User

    User.objects.filter(pk=user_id).delete()


# ---- stock pygeoapi -----------------------------------------------------------------------

def stock_pygeoapi_config(workdir: Path, port: int) -> dict[str, str]:
    """Write a pygeoapi config + OpenAPI stub; return the environment to run it with."""
    import yaml

    db = common._parts(common.database_url())
    config = {
        "server": {"bind": {"host": "127.0.0.1", "port": port},
                   "url": f"http://127.0.0.1:{port}", "mimetype": "application/json",
                   "encoding": "utf-8", "languages": ["en-US"], "pretty_print": False,
                   "limits": {"default_items": 10, "max_items": 10000},
                   "map": {"url": "", "attribution": ""}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "bench", "description": "bench",
                                        "keywords": [], "keywords_type": "theme",
                                        "terms_of_service": "", "url": ""},
                     "license": {"name": "", "url": ""}, "provider": {"name": "", "url": ""},
                     "contact": {"name": ""}},
        "resources": {"enterprises": {
            "type": "collection", "title": "enterprises", "description": "enterprises",
            "keywords": [], "links": [],
            "extents": {"spatial": {"bbox": [-180, -90, 180, 90]}},
            "providers": [{
                "type": "feature", "name": "PostgreSQL", "table": TABLE, "id_field": "id",
                "geom_field": "geom",
                "data": {"host": db["host"], "port": db["port"], "dbname": db["dbname"],
                         "user": db["user"], "password": db["password"] or "",
                         "search_path": ["public"]},
            }],
        }},
    }
    cfg, oas = workdir / "pygeoapi.yml", workdir / "openapi.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True))
    oas.write_text("openapi: 3.0.2\ninfo: {title: bench, version: '0'}\npaths: {}\n")
    return {"PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(oas),
            "PYTHONPATH": str(common.ROOT)}


def stock_pygeoapi(workdir: Path) -> common.Service:
    port = common.free_port()
    argv = [str(common.VENV_BIN / "granian"), "--interface", "wsgi", "pygeoapi.flask_app:APP",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
            "--no-access-log", "--log-level", "warning"]
    return common.Service("pygeoapi", argv, port=port, ready_path="/collections",
                          env=stock_pygeoapi_config(workdir, port))


# ---- bare SQL -----------------------------------------------------------------------------

def bare_sql(boxes: list[str], limit: int, group: str, requests: int) -> common.Result:
    """Our provider's statement for a small bbox (page and count in one), via psycopg."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    from geo.scope import EVERYTHING
    from layers.base import registry
    from layers.ogc import sql

    layer = registry.get("enterprises")
    statements = []
    for box in boxes:
        query = sql.ItemQuery(scope=EVERYTHING, bbox=tuple(float(v) for v in box.split(",")))
        statements.append(sql.filtered_page_sql(layer, query, 0, limit))

    def run(conn, item):
        with conn.cursor() as cur:
            cur.execute(*item)
            cur.fetchone()

    items = [statements[i % len(statements)] for i in range(requests)]
    return common.pool("sql", run, items, workers=2, group=group,
                       setup=lambda: psycopg.connect(common.psycopg_conninfo(), autocommit=True))


# ---- driver -------------------------------------------------------------------------------

def run(duration: int, connections: int) -> list[common.Result]:
    with psycopg.connect(common.psycopg_conninfo(), autocommit=True) as conn:
        boxes = bboxes(conn)
        total = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    print(f"{total} enterprises; {len(boxes)} bboxes of 1/{BOXES * BOXES} of the extent",
          flush=True)
    token, user_id = bench_token()
    results: list[common.Result] = []
    load = {"duration": duration, "connections": connections}
    with tempfile.TemporaryDirectory() as tmp, \
            common.site(workers=2, ready_path="/ogc/conformance") as ours, \
            stock_pygeoapi(Path(tmp)) as stock, \
            common.tipg(tables=[TABLE], workers=2) as tipg:
        for limit in (100, 1000):
            group = f"limit {limit}"
            ours_paths = [f"/ogc/collections/enterprises/items?bbox={b}&limit={limit}"
                          for b in boxes]
            peer_query = [f"?bbox={b}&limit={limit}&properties={PROPERTIES}" for b in boxes]
            auth = {"Authorization": f"Token {token}"}
            stock_paths = [f"/collections/enterprises/items{q}" for q in peer_query]
            tipg_paths = [f"/collections/public.{TABLE}/items{q}" for q in peer_query]
            for name, service, paths, headers in (("ours", ours, ours_paths, auth),
                                                  ("pygeoapi", stock, stock_paths, None),
                                                  ("tipg", tipg, tipg_paths, None)):
                warm = common.http_once(service.base, paths[:4], name=name, headers=headers)
                if warm.errors:
                    raise SystemExit(f"{name} answers errors; see {service.log.name}")
                results.append(common.wrk(service.base, paths, name=name, group=group,
                                          headers=headers, **load))
            results.append(bare_sql(boxes, limit, group, requests=max(200, 20 * len(boxes))))
    drop_bench_user(user_id)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0,
                        help="insert N synthetic enterprises first (deleted afterwards)")
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds per workload (whole seconds: wrk rejects 5.0s)")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args(argv)
    conninfo = common.psycopg_conninfo()
    if args.synthetic:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            delete_synthetic(conn)
            insert_synthetic(conn, args.synthetic)
    try:
        rows = run(args.duration, args.connections)
    finally:
        if args.synthetic:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                delete_synthetic(conn)
    common.print_table("OGC API - Features: enterprises bbox pages", rows,
                       ratio_to=["pygeoapi", "tipg", "sql"])
    for row in rows:  # issue 9 §7: 1,000-feature pages >= 0.8x the bare page, p95 < 300 ms
        if row.name == "ours" and row.group == "limit 1000":
            bare = next(r for r in rows if r.name == "sql" and r.group == row.group)
            ratio = row.rps / bare.rps
            print(f"goal limit 1000 ours >= 0.8x sql: {ratio:.2f}x "
                  f"{'met' if ratio >= 0.8 else 'NOT met'}")
            print(f"goal limit 1000 ours p95 < 300 ms: {row.p95_ms:.0f} ms "
                  f"{'met' if row.p95_ms < 300 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
