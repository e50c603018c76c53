"""Import any layer from CSV, XLSX, GeoJSON, GeoPackage or Shapefile (the exporter's mirror).

Everything derives from the Layer declaration: the importable fields are its declared
properties, every cell goes through the model field's own `clean()` (validators,
choices, required), unique fields are checked inside the file and against the database,
and an optional caller scope limits the division codes a row may carry. All or nothing:
any bad row raises `LayerImportError` naming every bad row and field; otherwise the rows
go in with one COPY inside one transaction, followed by one audit entry for the import.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Field
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from tqdm import tqdm

from geo.models import AuditAction, AuditEntry
from geo.scope import Scope
from layers.base import Layer
from layers.import_files import LayerImportError, LayerRowError, file_error, read_source

DBF_NAME_LENGTH = 10  # Shapefile attribute names are cut to this many characters
BOOL_WORDS = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False}
GEOMETRY_IDS = {"Point": 0, "LineString": 1, "Polygon": 3}  # shapely type ids; multi = +3
PROGRESS_STEP = 5_000
# Field types whose cleaned Python value needs no further preparation for the database
PLAIN_TYPES = {"CharField", "TextField", "BooleanField", "FloatField", "IntegerField",
               "SmallIntegerField", "BigIntegerField", "PositiveIntegerField",
               "PositiveSmallIntegerField", "PositiveBigIntegerField"}


@dataclass
class ImportResult:
    layer: str
    rows: int
    written: int                                  # 0 on a dry run
    columns: dict[str, str] = field(default_factory=dict)  # property -> file column
    ignored: list[str] = field(default_factory=list)       # file columns not imported


@dataclass
class _Rows:
    """The file read and checked: cleaned values per property, geometry as hex EWKB."""

    count: int
    values: dict[str, list]
    geoms: np.ndarray
    where: str | None  # "line" / "sheet row" for tabular files
    errors: list[LayerRowError] = field(default_factory=list)

    def error(self, index: int, name: str, message: str) -> None:
        where = f"{self.where} {index + 2}" if self.where else ""  # +1 header, +1 one-based
        self.errors.append(LayerRowError(index + 1, name, message, where))


class ImportHook:
    """Extra file columns a layer handles itself, declared as `Layer.import_hook`.

    One instance per import: `check` sees the raw cells of `columns` and the cleaned row
    values and reports problems through `error(index, column, message)` alongside every
    other row error; `written` runs in the import's transaction with the new rows' ids.
    """

    columns: tuple[str, ...] = ()

    def check(self, cells: dict[str, list], values: dict[str, list],
              error: Callable[[int, str, str], None]) -> None:
        pass

    def written(self, ids: list[int], values: dict[str, list]) -> None:
        pass


def _hook(layer: type[Layer]) -> ImportHook | None:
    return import_string(layer.import_hook)() if layer.import_hook else None


# ---- columns ------------------------------------------------------------------------------

def importable_fields(layer: type[Layer]) -> dict[str, Field]:
    """The declared properties that are stored columns (geometry is handled apart)."""
    fields = (layer.model._meta.get_field(name) for name in layer.properties)
    return {f.name: f for f in fields if f.concrete and f.editable}


def _required(f: Field) -> bool:
    return not (f.has_default() or f.null or f.blank)


def _unfillable(layer: type[Layer]) -> list[str]:
    """Stored fields outside the declaration that a new row cannot leave empty."""
    skip = {*importable_fields(layer), layer.geometry_field().name}
    return [f.name for f in layer.model._meta.concrete_fields
            if f.name not in skip and not isinstance(f, AutoFieldMixin) and not f.null
            and not f.has_default() and not f.empty_strings_allowed
            and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]


def resolve_columns(layer: type[Layer], columns: list[str], mapping: dict[str, str]
                    ) -> dict[str, str]:
    """Property -> file column: the explicit mapping, then same names (or DBF-cut names)."""
    fields = importable_fields(layer)
    errors, out = [], {}
    for column, prop in mapping.items():
        if prop not in fields:
            errors.append(LayerRowError(0, f"--map {column}={prop}", _(
                "图层 %(layer)s 没有可导入的属性 %(prop)s（可导入：%(props)s）") % {
                "layer": layer.id, "prop": prop, "props": ", ".join(fields)}))
        elif column not in columns:
            errors.append(LayerRowError(0, f"--map {column}={prop}",
                                        _("文件中没有列 %(column)s") % {"column": column}))
        out[prop] = column
    free = [c for c in columns if c not in mapping]
    for prop in fields:
        cut = [c for c in free if c == prop[:DBF_NAME_LENGTH]]
        if prop not in out and (prop in free or len(cut) == 1):
            out[prop] = prop if prop in free else cut[0]
    for name in _unfillable(layer):
        errors.append(LayerRowError(0, name, _(
            "必填字段 %(name)s 不是图层 %(layer)s 声明的属性，该图层不能从文件导入")
            % {"name": name, "layer": layer.id}))
    for prop, f in fields.items():
        if prop not in out and _required(f):
            message = _("文件中没有必填列 %(prop)s（文件的列：%(cols)s）")
            errors.append(LayerRowError(0, prop, message % {"prop": prop,
                                                            "cols": ", ".join(columns)}))
    if errors:
        raise LayerImportError(errors)
    return out


# ---- checking -----------------------------------------------------------------------------

def _normalise(raw):
    """Blank cells become None, strings are stripped, whole floats become ints."""
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return None
    if isinstance(raw, np.generic):
        raw = raw.item()
    if isinstance(raw, float):
        return None if math.isnan(raw) else int(raw) if raw.is_integer() else raw
    if isinstance(raw, str):
        return raw.strip() or None
    return raw


def clean_cell(f: Field, raw):
    """One cell through the model field's own checks; raises ValidationError."""
    value = _normalise(raw)
    if value is None:
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if f.blank and f.empty_strings_allowed:
            return ""
        raise ValidationError(f.error_messages["blank"], code="blank")
    if isinstance(f, BooleanField) and isinstance(value, str):
        value = BOOL_WORDS.get(value.lower(), value)
    if f.is_relation:  # existence is checked for all rows at once
        return f.target_field.to_python(value)
    return f.clean(value, None)


def _clean_columns(layer: type[Layer], table: pd.DataFrame, columns: dict[str, str],
                   rows: _Rows, bar: tqdm) -> None:
    for prop, f in importable_fields(layer).items():
        if prop not in columns:
            continue
        cleaned, seen = [], {}  # codes and levels repeat: check each distinct cell once
        for i, raw in enumerate(table[columns[prop]].tolist()):
            key = (type(raw), raw) if isinstance(raw, str | int | float | bool) else None
            if key is None or key not in seen:
                try:
                    value = clean_cell(f, raw)
                except ValidationError as exc:
                    value = exc
                if key is not None:
                    seen[key] = value
            else:
                value = seen[key]
            if isinstance(value, ValidationError):
                rows.error(i, prop, "; ".join(value.messages))
                value = None
            cleaned.append(value)
        rows.values[prop] = cleaned
        bar.update(rows.count)


def _clean_geometries(layer: type[Layer], geoms: np.ndarray, rows: _Rows) -> None:
    """Check kind, validity and lon/lat range; promote to multi; encode as hex EWKB."""
    kind = layer.geometry_type()
    multi = layer.geometry_field().geom_type.upper().startswith("MULTI")
    geoms = shapely.force_2d(geoms)
    types = shapely.get_type_id(geoms)
    box = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        in_range = (box[:, 0] >= -180) & (box[:, 2] <= 180) & (box[:, 1] >= -90) & \
            (box[:, 3] <= 90)
    allowed = [GEOMETRY_IDS[kind]] + ([GEOMETRY_IDS[kind] + 3] if multi else [])
    good = np.isin(types, allowed) & shapely.is_valid(geoms) & in_range
    for i in np.flatnonzero(~good):
        rows.error(int(i), "geometry", _geometry_problem(geoms[i], kind, multi))
    if multi:
        single = np.flatnonzero(good & (types == GEOMETRY_IDS[kind]))
        geoms[single] = [getattr(shapely, f"Multi{kind}")([g]) for g in geoms[single]]
    geoms[~good] = None
    rows.geoms = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)


def _geometry_problem(geom, kind: str, multi: bool) -> str:
    if geom is None or geom.is_empty:
        return _("缺少几何（坐标）")
    if geom.geom_type not in (kind, f"Multi{kind}" if multi else kind):
        return _("几何类型 %(got)s 不是 %(want)s") % {"got": geom.geom_type, "want": kind}
    if not geom.is_valid:
        return _("几何无效：%(reason)s") % {"reason": shapely.is_valid_reason(geom)}
    return _("坐标超出经纬度范围（应为 EPSG:4326/4490 经纬度）")


def _existing(model, name: str, values: list) -> set:
    """Which of `values` the column already holds (one `= ANY(array)` probe of its index)."""
    f = model._meta.get_field(name)
    with connection.cursor() as cur:
        cur.execute(f'SELECT "{f.column}" FROM "{model._meta.db_table}" '
                    f'WHERE "{f.column}" = ANY(%s)', [values])
        return {f.to_python(v) for (v,) in cur.fetchall()}


def _check_unique(layer: type[Layer], rows: _Rows) -> None:
    """Unique fields: no repeats inside the file, no clash with stored rows."""
    for prop, f in importable_fields(layer).items():
        if not f.unique or prop not in rows.values:
            continue
        first: dict = {}
        for i, value in enumerate(rows.values[prop]):
            if value in (None, ""):
                continue
            if value in first:
                rows.error(i, prop, _("与第%(row)d行重复：%(value)s")
                           % {"row": first[value] + 1, "value": value})
            else:
                first[value] = i
        for value in _existing(layer.model, prop, list(first)):
            rows.error(first[value], prop, _("数据库中已存在：%(value)s") % {"value": value})


def _check_relations(layer: type[Layer], rows: _Rows) -> None:
    for prop, f in importable_fields(layer).items():
        if not f.is_relation or prop not in rows.values:
            continue
        wanted = {v for v in rows.values[prop] if v is not None}
        found = _existing(f.related_model, f.target_field.name, sorted(wanted))
        for i, value in enumerate(rows.values[prop]):
            if value is not None and value not in found:
                rows.error(i, prop, _("%(value)s 不存在") % {"value": value})


def _check_scope(layer: type[Layer], scope: Scope | None, rows: _Rows) -> None:
    """A scoped caller writes only rows whose division code lies under its prefix."""
    if scope is None or scope.everything:
        return
    if scope.prefix is None or layer.scope not in rows.values:
        raise file_error("scope", _("无权向图层 %(layer)s 导入数据") % {"layer": layer.id})
    for i, value in enumerate(rows.values[layer.scope]):
        if value is not None and not scope.allows_division(value):
            rows.error(i, layer.scope, _("区划代码 %(code)s 不在管辖范围（%(prefix)s）内")
                       % {"code": value, "prefix": scope.prefix})


def check_rows(layer: type[Layer], table: pd.DataFrame, geoms: np.ndarray,
               columns: dict[str, str], *, where: str | None, scope: Scope | None = None,
               progress: bool = False, hook: ImportHook | None = None) -> _Rows:
    """Every row checked; raises LayerImportError listing all bad rows and fields."""
    rows = _Rows(len(table), {}, geoms, where)
    if not rows.count:
        raise file_error("file", _("文件中没有数据行"))
    with tqdm(total=rows.count * len(columns), unit="cell", desc=f"check {layer.id}",
              disable=not progress) as bar:
        _clean_columns(layer, table, columns, rows, bar)
    _clean_geometries(layer, geoms, rows)
    _check_scope(layer, scope, rows)
    _check_unique(layer, rows)
    _check_relations(layer, rows)
    if hook is not None:
        cells = {c: table[c].tolist() for c in hook.columns if c in table.columns}
        hook.check(cells, rows.values, rows.error)
    if rows.errors:
        order = {name: i for i, name in enumerate([*columns, "geometry",
                                                   *(hook.columns if hook else ())])}
        raise LayerImportError(sorted(rows.errors, key=lambda e: (e.row, order.get(e.field, 99))))
    return rows


# ---- writing ------------------------------------------------------------------------------

def _fill(f: Field, now):
    """The value of a column the file does not carry, as Django would set it on save."""
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        return f.get_default()
    return "" if not f.null and f.empty_strings_allowed else None


def _reserve_ids(layer: type[Layer], count: int) -> list[int]:
    """Primary keys taken from the table's own sequence, for a hook that needs the ids."""
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [f'"{layer.table()}"', layer.pk_column(), count])
        return [i for (i,) in cur.fetchall()]


def _write(layer: type[Layer], rows: _Rows, progress: bool,
           ids: list[int] | None = None) -> None:
    """All rows with one COPY (triggers such as the tile versions still fire)."""
    geom = layer.geometry_field()
    fields = [f for f in layer.model._meta.concrete_fields
              if ids is not None or not (f.primary_key and isinstance(f, AutoFieldMixin))]
    now = timezone.now()
    sources = []
    for f in fields:
        if f.primary_key and ids is not None:
            sources.append(ids)
        elif f is geom:
            sources.append(rows.geoms)
        elif f.name in rows.values and f.get_internal_type() in PLAIN_TYPES:
            sources.append(rows.values[f.name])  # cleaned values are already what COPY takes
        elif f.name in rows.values:
            sources.append([f.get_db_prep_save(v, connection) for v in rows.values[f.name]])
        else:
            sources.append([f.get_db_prep_save(_fill(f, now), connection)] * rows.count)
    names = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cur, tqdm(total=rows.count, unit="row", desc=f"import "
                                          f"{layer.id}", disable=not progress) as bar, \
            cur.cursor.copy(f'COPY "{layer.table()}" ({names}) FROM STDIN') as copy:
        for start, row in enumerate(zip(*sources, strict=True)):
            copy.write_row(row)
            if (start + 1) % PROGRESS_STEP == 0:
                bar.update(PROGRESS_STEP)
        bar.update(rows.count % PROGRESS_STEP)


def import_layer(layer: type[Layer], path: str | Path, *, mapping: dict[str, str] | None = None,
                 dry_run: bool = False, scope: Scope | None = None, lon: str = "lon",
                 lat: str = "lat", user_id: int | None = None, progress: bool = False
                 ) -> ImportResult:
    """Check the whole file; unless `dry_run`, write it in one transaction and audit it.

    `mapping` is file column -> property. `scope=None` is an operator (no limit); a web
    upload passes the caller's scope so rows outside it are rejected.
    """
    table, geoms, where = read_source(path, lon=lon, lat=lat)
    columns = resolve_columns(layer, list(table.columns), mapping or {})
    hook = _hook(layer)
    handled = {*columns.values(), *(hook.columns if hook else ())}
    result = ImportResult(layer.id, len(table), 0, columns,
                          [c for c in table.columns if c not in handled])
    with transaction.atomic():
        rows = check_rows(layer, table, geoms, columns, where=where, scope=scope,
                          progress=progress, hook=hook)
        if dry_run:
            return result
        ids = _reserve_ids(layer, rows.count) if hook else None
        _write(layer, rows, progress, ids)
        if hook:
            hook.written(ids, rows.values)
        AuditEntry.objects.create(
            user_id=user_id, action=AuditAction.CREATE, model=layer.model._meta.label_lower,
            object_pk="", changes={"imported": rows.count, "file": Path(path).name})
    result.written = rows.count
    return result
