"""Risk cloud map tiles (风险态势云图, ADR 0027) through our site (granian, 2 workers), beside
the `enterprise_risk` vector tiles of the same tiles in the same run (the peer: the same
rows, the same scope, the tile path every map already uses).

    .venv/bin/python -m bench.risk_cloud [--duration 8] [--per-zoom 60]

Runs on whatever the database holds (`make demo`: the demo province's days). Tiles are
those with scored enterprises at z8, z10 and z12, spread over every day the scores cover.
Cold = each tile requested once with an empty tile cache (a fresh TILE_CACHE_DIR); warm =
wrk cycling through the same tiles, all cached. In-process rows time the parts: reading a
(day, scope)'s points once, and rendering one tile from them (numpy + PNG).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as geo/wsgi.py serves: in-process rows alike
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from bench.tiles import _tile_of, bench_token  # noqa: E402
from geo.scope import EVERYTHING  # noqa: E402
from layers.rasters import tile_bounds  # noqa: E402
from monitoring.risk.cloud import cloud_points, cloud_state, cloud_tile, forget_points  # noqa: E402
from monitoring.risk.cloud_tiles import day_item  # noqa: E402
from monitoring.risk.models import EnterpriseRisk  # noqa: E402

ZOOMS = (8, 10, 12)


def tiles_by_day(per_zoom: int) -> dict:
    """{day: [(z, x, y), …]}: distinct tiles over scored enterprises, dealt over the days."""
    days = sorted(set(EnterpriseRisk.objects.values_list("day", flat=True)))[-30:]
    points = list(EnterpriseRisk.objects.filter(day=days[-1], score__gt=0)
                  .values_list("geom", flat=True))
    chosen: dict = {day: [] for day in days}
    for z in ZOOMS:
        tiles = list(dict.fromkeys(_tile_of(p.x, p.y, z) for p in points))[:per_zoom]
        for i, tile in enumerate(tiles):
            chosen[days[i % len(days)]].append(tile)
    return chosen


def in_process(chosen: dict) -> list[common.Result]:
    """The parts: a day's points read once (SQL), a tile rendered from them (numpy, PNG)."""
    reads, renders = [], []
    for day, tiles in chosen.items():
        forget_points()
        state = cloud_state(scope=EVERYTHING, day=day)
        start = time.perf_counter()
        points = cloud_points(scope=EVERYTHING, day=day, state=state)
        reads.append(time.perf_counter() - start)
        for z, x, y in tiles:
            start = time.perf_counter()
            cloud_tile(points, tile_bounds(z, x, y))
            renders.append(time.perf_counter() - start)
    return [_timings("points of a day", reads, "in process"),
            _timings("render a tile", renders, "in process")]


def _timings(name: str, seconds: list[float], group: str) -> common.Result:
    ms = sorted(s * 1000 for s in seconds)
    total = sum(seconds)
    return common.Result(name, len(ms), total, len(ms) / total, statistics.median(ms),
                         ms[int(0.95 * (len(ms) - 1))], 0, group)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--per-zoom", type=int, default=60)
    args = parser.parse_args()
    chosen = tiles_by_day(args.per_zoom)
    token = bench_token()
    clouds = [f"/tiles/risk_cloud/{day_item(day)}/{z}/{x}/{y}.png?token={token}"
              for day, tiles in chosen.items() for z, x, y in tiles]
    vectors = [f"/tiles/enterprise_risk/{z}/{x}/{y}.mvt?token={token}"
               for tiles in chosen.values() for z, x, y in tiles]
    print(f"{len(clouds)} tiles over {len(chosen)} days", flush=True)
    rows = in_process(chosen)
    gzip = {"Accept-Encoding": "gzip"}
    with tempfile.TemporaryDirectory() as cache, \
            common.site(workers=2, env={"TILE_CACHE_DIR": cache}) as site:
        common.http_once(site.base, [f"/tiles/style.json?token={token}"] * 8, name="warm-up")
        rows += [common.http_once(site.base, clouds, name="risk cloud png", group="cold"),
                 common.http_once(site.base, vectors, name="enterprise_risk mvt",
                                  headers=gzip, group="cold"),
                 common.wrk(site.base, clouds, name="risk cloud png", duration=args.duration,
                            group="warm"),
                 common.wrk(site.base, vectors, name="enterprise_risk mvt", headers=gzip,
                            duration=args.duration, group="warm")]
    common.print_table("risk cloud tiles", rows, ratio_to="enterprise_risk mvt")


if __name__ == "__main__":
    main()
