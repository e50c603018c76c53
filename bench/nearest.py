"""Nearest-10 emergency resources: our KNN selector against a plain distance sort.

Fills the rescue-team and shelter layers with `--rows` synthetic resources spread over
the loaded divisions' extent (deleted afterwards), then times 400 random queries of
`resources_nearest` (scoped to a county supervisor, i.e. the real path with the scope
filter) and of the same question asked the naive way (ORDER BY ST_Distance, no KNN).
Goal from the registry issue: p95 < 20 ms."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from geo.scope import Scope  # noqa: E402
from layers.base import registry  # noqa: E402
from registry.resources.selectors import resources_nearest  # noqa: E402

MARK = "bench-nearest-"
LAYERS = ["rescue_teams", "shelters"]
QUERIES = 400
GOAL_MS = 20.0


def extent() -> tuple[float, float, float, float]:
    with connection.cursor() as cur:
        cur.execute("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                    "(SELECT ST_Extent(geom) e FROM geo_division WHERE level = 'county') s")
        return cur.fetchone()


def fill(rows: int, box, county: str) -> None:
    x0, y0, x1, y1 = box
    with connection.cursor() as cur:
        for layer_id in LAYERS:
            table = registry.get(layer_id).table()
            cur.execute(f"""
                INSERT INTO {table} (name, division_code, address, contact, phone, updated,
                                     geom {", members, speciality, equipment"
                                           if layer_id == "rescue_teams" else
                                           ", kind, area_m2, capacity, facilities, status"})
                SELECT %s || i, %s || lpad(mod(i, 1000)::text, 6, '0'), '', '', '', now(),
                       ST_SetSRID(ST_MakePoint(%s + random() * %s, %s + random() * %s), 4326)
                       {", 10, '', ''" if layer_id == "rescue_teams" else
                        ", 'outdoor', 0, 0, '', 'certified'"}
                FROM generate_series(1, %s) i""",
                        [MARK, county[:6], x0, x1 - x0, y0, y1 - y0, rows // len(LAYERS)])
            cur.execute(f"ANALYZE {table}")


def clean() -> None:
    with connection.cursor() as cur:
        for layer_id in LAYERS:
            cur.execute(f"DELETE FROM {registry.get(layer_id).table()} WHERE name LIKE %s",
                        [MARK + "%"])


def naive(point, n: int, scope: Scope) -> None:
    parts = []
    params: list = []
    for layer_id in LAYERS:
        layer = registry.get(layer_id)
        where, args = layer.scope_sql(scope, "t")
        parts.append(f"(SELECT t.id, ST_Distance(t.geom::geography, "
                     f"ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) d "
                     f"FROM {layer.table()} t WHERE {where} ORDER BY d LIMIT %s)")
        params += [*point, *args, n]
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM ({' UNION ALL '.join(parts)}) s ORDER BY d LIMIT %s",
                    [*params, n])
        cur.fetchall()


def timed(fn, points) -> list[float]:
    out = []
    for p in points:
        t0 = time.perf_counter()
        fn(p)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    box = extent()
    with connection.cursor() as cur:
        cur.execute("SELECT code FROM geo_division WHERE level = 'county' ORDER BY code LIMIT 1")
        county = cur.fetchone()[0]
    scope = Scope(prefix=county[:2])  # a province supervisor: every synthetic row in scope
    layers = [registry.get(i) for i in LAYERS]
    rnd = random.Random(7)
    points = [(box[0] + rnd.random() * (box[2] - box[0]),
               box[1] + rnd.random() * (box[3] - box[1])) for _ in range(QUERIES)]
    fill(rows, box, county)
    try:
        ours = timed(lambda p: resources_nearest(layers, p, n=10, scope=scope), points)
        peer = timed(lambda p: naive(p, 10, scope), points[:40])
    finally:
        clean()
    print(f"\nNearest-10 over {rows:,} resources ({', '.join(LAYERS)}), province scope")
    print(f"{'':22}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'vs goal':>9}{'vs peer':>9}")
    p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
    print(f"{'ours (KNN <->)':22}{len(ours):8}{statistics.median(ours):9.2f}{p95(ours):9.2f}"
          f"{GOAL_MS / p95(ours):9.2f}{p95(peer) / p95(ours):9.2f}")
    print(f"{'naive ST_Distance':22}{len(peer):8}{statistics.median(peer):9.2f}"
          f"{p95(peer):9.2f}{GOAL_MS / p95(peer):9.2f}{1:9.2f}")


if __name__ == "__main__":
    main()
