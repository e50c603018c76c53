"""Live sensor tiles under ingest: warm throughput and cache hit rate of the sensors layer
while the ingest stores one batch a second (the live status of issue 10).

    python -m bench.tiles_live [--plants 200] [--sensors 25] [--duration 15]

`--plants` plants over a province-sized box (roughly Jiangsu), each an enterprise with one
gateway and `--sensors` sensors around it. The site (granian, 2 workers) is warmed over
every z14 and z16 tile holding sensors, then wrk cycles through those tiles twice:
"quiet" (no writes) and "ingest 1/s" (a thread stores one batch of one random gateway per
second through `batch_store`, the statement the ingest workers run).
Hit rate = 1 - renders / requests; renders = files the site wrote to its tile cache during
the run (every miss writes one). Synthetic rows are deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import connection  # noqa: E402

from bench.tiles import GZIP, _tile_of, bench_token  # noqa: E402
from monitoring.ingest.services import batch_store  # noqa: E402

MARK = "LIVEB"  # credit_code prefix of the synthetic enterprises; gateway code prefix
ZOOMS = (14, 16)


def insert_synthetic(conn, plants: int, sensors: int) -> None:
    """Plants uniformly over 116.4-121.9 E, 30.8-35.1 N; sensors within ~300 m of each."""
    conn.execute("""
        INSERT INTO registry_enterprise (name, credit_code, industry, division_code, address,
                                         risk_level, has_major_hazard, geom, updated)
        SELECT '实时基准企业' || i, %s || lpad(i::text, 13, '0'), 'C26',
               '32' || lpad((1 + i %% 13)::text, 2, '0') || '01001001', '基准路' || i || '号',
               1 + i %% 4, true,
               ST_SetSRID(ST_MakePoint(116.4 + random() * 5.5, 30.8 + random() * 4.3), 4326),
               now()
        FROM generate_series(1, %s) AS i""", [MARK, plants])
    conn.execute("""
        INSERT INTO monitoring_gateway (code, name, enterprise_id, division_code, geom, in_use,
                                        hmac_key, enc_key, online)
        SELECT %s || e.id, '基准网关' || e.id, e.id, e.division_code, e.geom, true,
               md5(e.id::text), '', false
        FROM registry_enterprise e WHERE e.credit_code LIKE %s""", [MARK, MARK + "%"])
    conn.execute("""
        INSERT INTO monitoring_sensor (enterprise_id, gateway_id, point, name, indicator, tag,
            measure_unit, range_low, range_high, threshold_h, threshold_hh, cas, in_use,
            division_code, last_quality, alarm_state, geom)
        SELECT g.enterprise_id, g.code, 'P-' || i || '.level', '液位' || i, 'level', '', 'm',
               0, 100, 80, 90, '', true, g.division_code, '', 'unknown',
               ST_Translate(g.geom, (random() - 0.5) * 0.006, (random() - 0.5) * 0.006)
        FROM monitoring_gateway g CROSS JOIN generate_series(1, %s) AS i
        WHERE g.code LIKE %s""", [sensors, MARK + "%"])
    conn.execute("ANALYZE monitoring_sensor")


def delete_synthetic(conn) -> None:
    """Readings by SQL (not a model with foreign keys), the rest through the ORM's cascade."""
    from monitoring.devices.models import Gateway, Sensor
    from registry.enterprises.models import Enterprise

    conn.execute("DELETE FROM monitoring_reading WHERE gateway LIKE %s", [MARK + "%"])
    Sensor.objects.filter(gateway__code__startswith=MARK).delete()
    Gateway.objects.filter(code__startswith=MARK).delete()
    Enterprise.objects.filter(credit_code__startswith=MARK).delete()


def tile_paths(conn, token: str) -> list[str]:
    rows = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM monitoring_sensor "
                        "WHERE gateway_id LIKE %s", [MARK + "%"]).fetchall()
    tiles = dict.fromkeys(_tile_of(x, y, z) for z in ZOOMS for x, y in rows)
    return [f"/tiles/sensors/{z}/{x}/{y}.mvt?token={token}" for z, x, y in tiles]


class Ingest(threading.Thread):
    """One batch of one random gateway per second, as an ingest worker stores it."""

    def __init__(self, gateways: list[tuple[str, int]]) -> None:
        super().__init__(daemon=True)
        self.gateways, self.stopping, self.batches = gateways, threading.Event(), 0
        self.seq = int(time.time() * 1000)

    def run(self) -> None:
        rng = random.Random(7)
        try:
            while not self.stopping.wait(1.0):
                code, sensors = rng.choice(self.gateways)
                now = datetime.now(UTC)
                self.seq += sensors
                records = [{"seq": self.seq + i, "kind": "reading",
                            "point": f"P-{i + 1}.level", "ts": int(now.timestamp() * 1000),
                            "value": round(rng.uniform(40, 60), 3), "quality": "good",
                            "unit": "m", "reason": ""} for i in range(sensors)]
                batch_store({"kind": "batch", "gateway": code, "records": records}, now=now)
                self.batches += 1
        finally:
            connection.close()


def files(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def measured(site, paths: list[str], root: Path, name: str, duration: float
             ) -> tuple[common.Result, float]:
    before = files(root)
    row = common.wrk(site.base, paths, name=name, duration=duration, headers=GZIP,
                     group="z14+z16")
    renders = files(root) - before
    return row, 1.0 - renders / max(1, row.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plants", type=int, default=200)
    parser.add_argument("--sensors", type=int, default=25)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args()
    conn = psycopg.connect(common.psycopg_conninfo(), autocommit=True)
    delete_synthetic(conn)
    insert_synthetic(conn, args.plants, args.sensors)
    token = bench_token()
    try:
        paths = tile_paths(conn, token)
        gateways = [(code, args.sensors) for (code,) in conn.execute(
            "SELECT code FROM monitoring_gateway WHERE code LIKE %s", [MARK + "%"])]
        print(f"{args.plants * args.sensors} sensors, {len(paths)} tiles", flush=True)
        cache_dir = Path(tempfile.mkdtemp(prefix="bench-tiles-live-"))
        with common.site(env={"TILE_CACHE_DIR": str(cache_dir)}) as site:
            common.wrk(site.base, paths, name="warm-up", duration=4, headers=GZIP)
            rows, rates = [], {}
            row, rates["quiet"] = measured(site, paths, cache_dir, "quiet", args.duration)
            rows.append(row)
            ingest = Ingest(gateways)
            ingest.start()
            try:
                row, rates["ingest 1/s"] = measured(site, paths, cache_dir, "ingest 1/s",
                                                    args.duration)
            finally:
                ingest.stopping.set()
                ingest.join()
            rows.append(row)
        common.print_table("live sensor tiles (req/s, latency ms)", rows, ratio_to=["quiet"])
        for name, rate in rates.items():
            print(f"  hit rate {name:<11} {rate:6.1%}", flush=True)
        print(f"  batches stored during the run: {ingest.batches}", flush=True)
    finally:
        delete_synthetic(conn)
        conn.close()


if __name__ == "__main__":
    main()
