"""Layer import benchmark: 100,000 enterprises from a GeoPackage into the database.

- ours:  `layers.imports.import_layer` (read, check every cell with the model's field
         rules, uniqueness against the table, one COPY, one audit entry)
- peer:  `ogr2ogr -f PostgreSQL` loading the same GeoPackage into a scratch table
         (no checks at all: the floor for "file into PostGIS")

The enterprise table holds fewer rows than the file on a fresh database, so ours builds
its 11 secondary indexes after the COPY (`layers.import_copy.indexes_built_after`); into a
larger table (the `make bench` database) it grows them row by row, which costs more.

Goal: >= 5,000 rows/s. Runs against DATABASE_URL (env or var/services.env); the
imported rows, the audit entry and the scratch table are removed afterwards.

    .venv/bin/python -m bench.registry [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import psycopg
import shapely

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from geo.credit_code import make_credit_code  # noqa: E402
from geo.models import AuditEntry, Division  # noqa: E402
from layers.base import registry  # noqa: E402
from layers.imports import import_layer  # noqa: E402
from registry.enterprises.models import Enterprise  # noqa: E402

GOAL = 5_000  # rows/s
MARK = "导入基准企业"
PEER_TABLE = "bench_ogr2ogr_enterprises"
FALLBACK = "329901000000"  # a scratch county, only when the database has no division


def division() -> tuple[str, bool]:
    """A county (else any division) to put the rows under; True if made for the bench."""
    found = (Division.objects.filter(level="county").order_by("code").first()
             or Division.objects.order_by("code").first())
    if found:
        return found.code, False
    Division.objects.create(code=FALLBACK, name="基准县", level="county",
                            geom=shapely.MultiPolygon([shapely.box(118.0, 32.0, 119.0, 33.0)]).wkt)
    return FALLBACK, True


def generate(count: int, county: str, path: Path) -> None:
    """`count` enterprises with valid credit codes, random points in a 1-degree box."""
    rng = np.random.default_rng(42)
    serials = np.arange(count)
    frame = gpd.GeoDataFrame({
        "name": [f"{MARK}{i}号" for i in serials],
        "credit_code": [make_credit_code(f"91{county[:6]}{i:09d}") for i in serials],
        "industry": rng.choice(["C2614", "C2661", "G5941", "C27", "B"], count),
        "risk_level": rng.integers(1, 5, count),
        "division_code": [f"{county[:6]}{1 + i % 20:03d}{1 + i % 50:03d}" for i in serials],
        "address": [f"基准路{i}号" for i in serials],
        "has_major_hazard": rng.random(count) < 0.1,
    }, geometry=shapely.points(rng.uniform(118.0, 119.0, count),
                               rng.uniform(32.0, 33.0, count)), crs=4326)
    frame.to_file(path, driver="GPKG", layer="enterprises", engine="pyogrio")


def ours(path: Path) -> float:
    start = time.perf_counter()
    result = import_layer(registry.get("enterprises"), path)
    seconds = time.perf_counter() - start
    assert result.written == Enterprise.objects.filter(name__startswith=MARK).count()
    return seconds


def peer(path: Path) -> float:
    p = common._parts(None)
    pg = "PG:" + " ".join(f"{k}={v}" for k, v in p.items() if v)
    start = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg, str(path), "enterprises",
                    "-nln", PEER_TABLE, "-overwrite", "-lco", "GEOMETRY_NAME=geom",
                    "-lco", "SPATIAL_INDEX=GIST"], check=True)
    return time.perf_counter() - start


def clean_up(made_division: str | None) -> None:
    Enterprise.objects.filter(name__startswith=MARK).delete()
    AuditEntry.objects.filter(model="registry.enterprise", changes__file="enterprises.gpkg",
                              action="create", object_pk="").delete()
    if made_division:
        Division.objects.filter(code=made_division).delete()
    with psycopg.connect(common.psycopg_conninfo(), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {PEER_TABLE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    count = parser.parse_args().rows
    county, made = division()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "enterprises.gpkg"
            generate(count, county, path)
            mine, theirs = ours(path), peer(path)
    finally:
        clean_up(county if made else None)
    rate, peer_rate = count / mine, count / theirs
    print(f"\nLayer import, {count:,} enterprises from a GeoPackage (division {county})")
    print(f"{'':10}{'seconds':>10}{'rows/s':>12}{'vs goal':>10}{'vs peer':>10}")
    print(f"{'ours':10}{mine:10.2f}{rate:12,.0f}{rate / GOAL:10.2f}{rate / peer_rate:10.2f}")
    print(f"{'ogr2ogr':10}{theirs:10.2f}{peer_rate:12,.0f}{peer_rate / GOAL:10.2f}{1:10.2f}")


if __name__ == "__main__":
    main()
