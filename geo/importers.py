"""Import real division boundaries (行政区划边界) from GeoPackage, Shapefile or GeoJSON.

All or nothing: every row is checked first and any bad row (bad code, unknown
level, bad geometry, missing parent, duplicate) stops the import with a message
naming the row (1 = the file's first feature) and the field; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from pyogrio.errors import DataSourceError
from tqdm import tqdm

from geo.models import LEVEL_DIGITS, Division, code_prefix

LEVEL_ORDER = list(LEVEL_DIGITS)  # province first
LEVEL_ALIASES = {
    **{name: name for name in LEVEL_ORDER},
    **{str(i + 1): name for i, name in enumerate(LEVEL_ORDER)},
    "省": "province", "市": "city", "地级市": "city", "县": "county", "区": "county",
    "县级市": "county", "乡镇": "town", "镇": "town", "乡": "town", "街道": "town",
    "村": "village", "社区": "village", "居委会": "village", "村委会": "village",
}
# Column names tried when the default mapping is not in the file (common in 自然资源 data).
CANDIDATES = {
    "code": ["code", "adcode", "gb", "dm", "qhdm", "xzqdm", "区划代码", "行政区划代码"],
    "name": ["name", "mc", "qhmc", "xzqmc", "名称", "行政区划名称"],
    "level": ["level", "jb", "级别"],
    "parent": ["parent", "parent_code", "sjdm", "上级代码"],
}
GEOGRAPHIC_4326 = {4326, 4490}  # CGCS2000 is WGS 84 to within centimetres
BATCH = 500


@dataclass(frozen=True)
class FieldMap:
    """Which column holds what; `None` means "the default, or a common alias"."""

    code: str | None = None
    name: str | None = None
    level: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class RowError:
    row: int       # 1-based feature number; 0 for the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}" if self.row else \
            f"{self.field}: {self.message}"


class ImportRowsError(Exception):
    """Bad rows of any import (divisions, layers): nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def summary(self, limit: int = 50) -> str:
        """The first `limit` errors under a count line, for command output."""
        shown = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            shown.append(f"… and {len(self.errors) - limit} more")
        rows = len({e.row for e in self.errors})
        return (f"{len(self.errors)} error(s) in {rows} row(s), nothing imported:\n"
                + "\n".join(shown))


class DivisionImportError(ImportRowsError):
    pass


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    columns: dict[str, str | None] = field(default_factory=dict)


def read_frame(path: str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any OGR vector file (a zipped Shapefile too) into lon/lat EPSG:4326."""
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except DataSourceError as exc:  # not a file OGR can read
        raise ValueError(str(exc)) from exc
    epsg = frame.crs.to_epsg() if frame.crs is not None else 4326
    if epsg not in GEOGRAPHIC_4326:
        frame = frame.to_crs(4326)
    return frame


def resolve_columns(frame: pd.DataFrame, fields: FieldMap) -> dict[str, str | None]:
    """The column for each role; raises when a required or explicitly named one is absent."""
    out: dict[str, str | None] = {}
    errors = []
    for role in ("code", "name", "level", "parent"):
        asked = getattr(fields, role)
        found = [asked] if asked else [c for c in CANDIDATES[role] if c in frame.columns][:1]
        if asked and asked not in frame.columns or not found and role in ("code", "name"):
            errors.append(RowError(0, f"--{role}-field", f"no column {asked or role!r} in the "
                                   f"file (columns: {', '.join(map(str, frame.columns))})"))
        out[role] = found[0] if found and found[0] in frame.columns else None
    if errors:
        raise DivisionImportError(errors)
    return out


def normalise_code(value) -> tuple[str | None, str | None]:
    """A 12-digit code from 6 (GB/T 2260), 9 (town) or 12 digits, or an error message."""
    if value is None or (isinstance(value, float) and value != value):
        return None, "missing code"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None, "missing code"
    if not (text.isascii() and text.isdigit()) or len(text) not in (6, 9, 12) \
            or text.startswith("00"):
        return None, f"invalid code {text!r}: expected 6, 9 or 12 digits"
    return text.ljust(12, "0"), None


def level_of_code(code: str) -> str:
    """The level a code's trailing zeros imply (320100000000 -> city)."""
    return next(lv for lv in LEVEL_ORDER if code[LEVEL_DIGITS[lv]:].strip("0") == "")


@dataclass
class _Row:
    row: int
    code: str
    name: str
    level: str
    parent: str | None       # explicit parent code, before resolution
    geom: shapely.Geometry


def _check_geometries(geoms, errors: list[RowError]) -> list[shapely.Geometry | None]:
    """Promote polygons to multipolygons; report missing, non-polygonal and invalid ones."""
    geoms = shapely.force_2d(geoms)
    out: list[shapely.Geometry | None] = []
    for i, (geom, valid) in enumerate(zip(geoms, shapely.is_valid(geoms), strict=True)):
        if geom is None or geom.is_empty:
            errors.append(RowError(i + 1, "geometry", "missing geometry"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(RowError(i + 1, "geometry",
                                   f"{geom.geom_type} is not a polygon or multipolygon"))
        elif not valid:
            errors.append(RowError(i + 1, "geometry",
                                   f"invalid geometry: {shapely.is_valid_reason(geom)}"))
        else:
            out.append(geom if geom.geom_type == "MultiPolygon"
                       else shapely.MultiPolygon([geom]))
            continue
        out.append(None)
    return out


def _check_row(i: int, record: dict, columns: dict, errors: list[RowError]) -> _Row | None:
    row, bad = i + 1, len(errors)
    code, message = normalise_code(record[columns["code"]])
    if message:
        errors.append(RowError(row, columns["code"], message))
    name = record[columns["name"]]
    name = "" if name is None or name != name else str(name).strip()
    if not name:
        errors.append(RowError(row, columns["name"], "missing name"))
    level = None
    if columns["level"]:
        raw = record[columns["level"]]
        level = LEVEL_ALIASES.get(str(raw).strip().lower()) if raw == raw else None
        if level is None:
            errors.append(RowError(row, columns["level"], f"unknown level {raw!r}"))
        elif code and code[LEVEL_DIGITS[level]:].strip("0"):
            errors.append(RowError(row, columns["level"], f"code {code} has digits past "
                                   f"the {LEVEL_DIGITS[level]} of a {level}"))
    parent = None
    if columns["parent"] and record[columns["parent"]] not in (None, "") \
            and record[columns["parent"]] == record[columns["parent"]]:
        parent, message = normalise_code(record[columns["parent"]])
        if message:
            errors.append(RowError(row, columns["parent"], message))
    if len(errors) > bad or code is None:
        return None
    return _Row(row, code, name, level or level_of_code(code), parent, None)


def _known_levels(rows: list[_Row]) -> dict[str, str]:
    """Levels of every code a parent may point at: the file's and the database's."""
    known = {r.code: r.level for r in rows}
    wanted = {r.parent for r in rows if r.parent} | {
        code[: LEVEL_DIGITS[lv]].ljust(12, "0") for code, level in known.items()
        for lv in LEVEL_ORDER[: LEVEL_ORDER.index(level)]}
    wanted = sorted(wanted - known.keys())
    for start in range(0, len(wanted), 10_000):
        known.update(Division.objects.filter(code__in=wanted[start:start + 10_000])
                     .values_list("code", "level"))
    return known


def _resolve_parent(r: _Row, known: dict[str, str]) -> str | None:
    """The parent's code, or raise ValueError with what is wrong with it."""
    rank = LEVEL_ORDER.index(r.level)
    if r.parent is None:
        if rank == 0:
            return None
        for lv in reversed(LEVEL_ORDER[:rank]):  # nearest level first: 省直辖县 skip a city
            candidate = r.code[: LEVEL_DIGITS[lv]].ljust(12, "0")
            if candidate != r.code and known.get(candidate) == lv:
                return candidate
        raise ValueError("parent not found: no enclosing division in the file or database")
    if r.parent not in known:
        raise ValueError(f"parent {r.parent} not found in the file or the database")
    parent_level = known[r.parent]
    if LEVEL_ORDER.index(parent_level) >= rank:
        raise ValueError(f"parent {r.parent} is a {parent_level}, not above a {r.level}")
    if not r.code.startswith(code_prefix(r.parent, parent_level)):
        raise ValueError(f"code {r.code} does not start with its parent's prefix "
                         f"{code_prefix(r.parent, parent_level)}")
    return r.parent


def check_rows(frame: gpd.GeoDataFrame, columns: dict[str, str | None]) -> list[_Row]:
    """Every row checked; raises DivisionImportError listing all bad rows."""
    errors: list[RowError] = []
    geoms = _check_geometries(frame.geometry.to_numpy(), errors)
    rows, first_row = [], {}
    for i, record in enumerate(frame.drop(columns=frame.geometry.name).to_dict("records")):
        r = _check_row(i, record, columns, errors)
        if r is None:
            continue
        if r.code in first_row:
            errors.append(RowError(r.row, columns["code"],
                                   f"duplicate code {r.code} (also row {first_row[r.code]})"))
            continue
        first_row[r.code] = r.row
        r.geom = geoms[i]
        rows.append(r)
    known = _known_levels(rows)
    for r in rows:
        try:
            r.parent = _resolve_parent(r, known)
        except ValueError as exc:
            errors.append(RowError(r.row, columns["parent"] or "parent", str(exc)))
    if errors:
        raise DivisionImportError(sorted(errors, key=lambda e: e.row))
    return rows


def _write(rows: list[_Row], progress: bool) -> tuple[int, int]:
    rows = sorted(rows, key=lambda r: (LEVEL_ORDER.index(r.level), r.code))
    codes = [r.code for r in rows]
    existing = set()
    for start in range(0, len(codes), 10_000):
        existing.update(Division.objects.filter(code__in=codes[start:start + 10_000])
                        .values_list("code", flat=True))
    with tqdm(total=len(rows), unit="division", desc="import_divisions",
              disable=not progress) as bar:
        for start in range(0, len(rows), BATCH):
            batch = [Division(code=r.code, name=r.name, level=r.level, parent_id=r.parent,
                              geom=GEOSGeometry(memoryview(shapely.to_wkb(r.geom)), srid=4326))
                     for r in rows[start:start + BATCH]]
            # bulk, so the audit log is not flooded with one entry per boundary
            Division.objects.bulk_create(batch, update_conflicts=True, unique_fields=["code"],
                                         update_fields=["name", "level", "parent", "geom"])
            bar.update(len(batch))
    return len(rows) - len(existing), len(existing)


def divisions_import(*, path: str, fields: FieldMap = FieldMap(), layer: str | None = None,
                     progress: bool = False) -> ImportResult:
    """Check the whole file, then write it in one transaction (insert or update by code)."""
    frame = read_frame(path, layer)
    columns = resolve_columns(frame, fields)
    with transaction.atomic():
        rows = check_rows(frame, columns)
        created, updated = _write(rows, progress)
    return ImportResult(created, updated, columns)
