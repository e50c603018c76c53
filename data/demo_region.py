"""Load the demo region into the database: COPY for the bulk, the ORM for the few.

`load_demo()` is idempotent: a region that is already loaded (same division codes,
same number of enterprises) is reused; a different one is replaced only when asked
(`replace` also reloads the same one).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import pandas as pd
import shapely
from django.db import connection, transaction
from django.utils import timezone

from data.accounts import (
    Account,
    accounts_ensure,
    demo_users_delete,
    link_park_enterprises,
    organisations_ensure,
)
from data.copy_load import copy_frame, ewkb_hex, indexes_deferred
from data.demo_basemap import demo_basemap_delete
from data.demo_commitments import demo_commitments_delete
from data.demo_dangers import demo_dangers_delete
from data.demo_files import demo_files_delete
from data.demo_grids import demo_grids_delete
from data.demo_hazards import demo_hazard_sources_delete
from data.demo_knowledge import demo_knowledge_delete
from data.demo_modules import demo_modules_delete, demo_staff_delete
from data.demo_monitoring import demo_monitoring_delete
from data.demo_reports import demo_reports_delete
from data.demo_resources import demo_resources_delete
from data.demo_risk import demo_risk_delete
from data.demo_risk_grading import demo_risk_grading_delete
from data.region import Region

TABLES = ("geo_division", "geo_gridcell", "registry_enterprise")


class RegionConflict(Exception):
    """A different demo region is loaded and replacing it was not asked for."""


@dataclass
class LoadReport:
    action: str                       # "loaded", "reused" or "replaced"
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0              # writing the rows (COPY, grid inserts, ANALYZE)
    table_seconds: dict[str, float] = field(default_factory=dict)
    accounts: list[Account] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return sum(self.rows.values()) / self.seconds if self.seconds else 0.0


def _codes_md5(codes) -> str:
    return hashlib.md5(",".join(codes).encode()).hexdigest()


def _existing(prefix: str) -> tuple[str | None, int]:
    """(md5 of the loaded division codes or None, number of enterprises) under `prefix`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), md5(string_agg(code, ',' ORDER BY code))"
                       " FROM geo_division WHERE code LIKE %s", [prefix + "%"])
        count, md5 = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM registry_enterprise WHERE division_code LIKE %s",
                       [prefix + "%"])
        return (md5 if count else None), cursor.fetchone()[0]


def region_delete(prefix: str) -> None:
    """Remove every demo row under `prefix` (raw SQL: a million ORM deletes take ages)."""
    demo_modules_delete(prefix)  # enforcement and response rows point at the accounts
    demo_users_delete()
    demo_staff_delete(prefix)
    demo_knowledge_delete(prefix)
    like = [prefix + "%"]
    with connection.cursor() as cursor:
        demo_dangers_delete(cursor, prefix)  # they point at grid cells, warnings, enterprises
        demo_grids_delete(cursor, prefix)  # its people, assignments, patrols point at cells
        cursor.execute("DELETE FROM geo_gridcell_responsible WHERE gridcell_id IN"
                       " (SELECT id FROM geo_gridcell WHERE division_code LIKE %s)", like)
        cursor.execute("DELETE FROM geo_gridcell WHERE division_code LIKE %s", like)
        demo_reports_delete(cursor, prefix)  # they point at enterprises and organisations
        demo_basemap_delete(cursor, prefix)
        demo_risk_delete(cursor, prefix)
        demo_risk_grading_delete(cursor, prefix)  # its points and zones
        demo_commitments_delete(cursor, prefix)
        demo_monitoring_delete(cursor, prefix)  # its units point at the hazard sources
        demo_hazard_sources_delete(cursor, prefix)
        demo_resources_delete(cursor, prefix)
        demo_files_delete(cursor, like)
        cursor.execute("DELETE FROM registry_enterprise WHERE division_code LIKE %s", like)
        cursor.execute("DELETE FROM geo_organisation WHERE division_id LIKE %s", like)
        cursor.execute("DELETE FROM geo_division WHERE code LIKE %s", like)


def _write_divisions(cursor, region: Region) -> int:
    d = region.divisions
    frame = pd.DataFrame({"code": d["code"], "name": d["name"], "level": d["level"],
                          "parent_id": d["parent_code"],
                          "geom": ewkb_hex(d["geom"].to_numpy())})
    return copy_frame(cursor, "geo_division", frame)


def _write_grid(cursor, region: Region) -> int:
    """COPY into a scratch table, then insert level by level so parents get ids first."""
    g = region.grid
    cursor.execute("DROP TABLE IF EXISTS demo_grid")
    cursor.execute("CREATE TEMP TABLE demo_grid (code text, name text, level int,"
                   " parent_code text, division_code text, geom geometry)")
    copy_frame(cursor, "demo_grid", g.assign(geom=ewkb_hex(g["geom"].to_numpy())))
    for level in sorted(g["level"].unique()):
        cursor.execute(
            "INSERT INTO geo_gridcell (code, name, level, parent_id, division_id,"
            " division_code, geom) SELECT g.code, g.name, g.level, p.id, g.division_code,"
            " g.division_code, g.geom FROM demo_grid g"
            " LEFT JOIN geo_gridcell p ON p.code = g.parent_code"
            " WHERE g.level = %s ORDER BY g.code", [int(level)])
    cursor.execute("DROP TABLE demo_grid")
    return len(g)


def _write_enterprises(cursor, region: Region, bulk: bool) -> int:
    e = region.enterprises
    points = shapely.points(e["x"].to_numpy(), e["y"].to_numpy())
    frame = e.drop(columns=["park", "x", "y"]).assign(
        geom=ewkb_hex(points), updated=timezone.now().isoformat())
    if not bulk:
        return copy_frame(cursor, "registry_enterprise", frame)
    with indexes_deferred(cursor, "registry_enterprise"):
        return copy_frame(cursor, "registry_enterprise", frame)


def _write(region: Region, bulk: bool, report: LoadReport) -> None:
    writers = {"geo_division": lambda c: _write_divisions(c, region),
               "geo_gridcell": lambda c: _write_grid(c, region),
               "registry_enterprise": lambda c: _write_enterprises(c, region, bulk)}
    with connection.cursor() as cursor:
        for table, write in writers.items():
            started = time.perf_counter()
            report.rows[table] = write(cursor)
            report.table_seconds[table] = time.perf_counter() - started
        started = time.perf_counter()
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
        report.table_seconds["ANALYZE"] = time.perf_counter() - started


def load_demo(region: Region, *, replace: bool = False, bulk: bool = False) -> LoadReport:
    """Write `region` (all or nothing), then its organisations and accounts. `bulk`
    rebuilds the enterprise indexes once after the COPY instead of row by row."""
    prefix = region.province_code[:2]
    with transaction.atomic():
        md5, enterprises = _existing(prefix)
        same = md5 == _codes_md5(region.divisions["code"]) \
            and enterprises == len(region.enterprises)
        if md5 is not None and not same and not replace:
            raise RegionConflict(
                f"another demo region is loaded under {prefix} ({enterprises} enterprises);"
                " use --replace to replace it")
        reuse = same and not replace
        report = LoadReport("reused" if reuse else "replaced" if md5 else "loaded")
        if not reuse:
            if md5 is not None:
                region_delete(prefix)
            started = time.perf_counter()
            _write(region, bulk, report)
            report.seconds = time.perf_counter() - started
        orgs = organisations_ensure(region)
        link_park_enterprises(region)
        report.accounts = accounts_ensure(region, orgs)
    return report
