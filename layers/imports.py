"""Import any layer from CSV, XLSX, GeoJSON, GeoPackage or Shapefile (the exporter's mirror).

Everything derives from the Layer declaration: the importable fields are its declared
properties, every cell gets what the model field's own `clean()` gives it (validators,
choices, required; a column at a time, `layers.import_cells`), unique fields are checked
inside the file and against the database, and an optional caller scope limits the
division codes a row may carry. All or nothing:
any bad row raises `LayerImportError` naming every bad row and field; otherwise the rows
go in with one COPY inside one transaction (`layers.import_copy`), followed by one audit
entry for the import.
A layer's `ImportHook` adds what its files need beyond that (see the class).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from django.db import connection, transaction
from django.db.models import Field
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from tqdm import tqdm

from geo.models import AuditAction, AuditEntry
from geo.scope import Scope
from layers.base import Layer
from layers.import_cells import clean_column
from layers.import_copy import Column, Same, copy_rows, indexes_built_after
from layers.import_files import LayerImportError, LayerRowError, file_error, read_source

DBF_NAME_LENGTH = 10  # Shapefile attribute names are cut to this many characters
GEOMETRY_IDS = {"Point": 0, "LineString": 1, "Polygon": 3}  # shapely type ids; multi = +3
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
    updated: int = 0  # written rows that replaced a stored one (a hook's upsert)

    @property
    def created(self) -> int:
        return self.written - self.updated


@dataclass
class _Rows:
    """The file read and checked: cleaned values per property, geometry as hex EWKB."""

    count: int
    values: dict[str, list]
    geoms: np.ndarray | list  # shapely geometries as read, hex EWKB once checked
    where: str | None  # "line" / "sheet row" for tabular files
    hook: ImportHook
    errors: list[LayerRowError] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)  # rows the hook's prepare reported

    def error(self, index: int, name: str, message: str) -> None:
        where = f"{self.where} {index + 2}" if self.where else ""  # +1 header, +1 one-based
        self.errors.append(LayerRowError(index + 1, name, message, where))

    def say(self, code: str, default: str, **params) -> str:
        return _say(self.hook, code, default, **params)


RowErrorSink = Callable[[int, str, str], None]  # error(index, field, message)


class ImportHook:
    """What a layer's files need beyond its declaration, declared as `Layer.import_hook`.

    One instance per import; every part is optional. Row problems go through
    `error(index, field, message)` with every other row error, so the import stays all or
    nothing and the list stays one.

    - `columns`: extra file columns the hook reads itself (raw cells, given to `check`).
    - `aliases`: property -> column names tried when the file has no column of that name.
    - `derives`: properties `prepare` fills when the file has no column for them, so they
      are not required in the file.
    - `messages`: the importer's own messages in the layer's wording, by code (below).
    - `error_order`: the fields in the order a row's errors are listed (default: the
      properties, the geometry, then `columns`).
    - `upsert`: a unique, required property: a row whose key is stored updates that row
      instead of being a clash with the database.
    - `prepare(table, columns, error)`: normalise raw cells in place before the importer
      cleans them; may add a column for a property of `derives` (`columns[prop] = name`).
      A row it reports is not cleaned again (its geometry is still checked).
    - `check(cells, values, error)`: after every other check, with the cleaned values.
    - `written(ids, values)`: in the import's transaction, with the written rows' ids.

    Message codes and their parameters: `unknown_column` (column, cols), `missing_column`
    (prop, column, cols), `geometry_missing`, `geometry_kind` (got, want),
    `geometry_invalid` (reason), `geometry_range`, `duplicate` (row, value),
    `stored` (value), `not_found` (value).
    """

    columns: tuple[str, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = {}
    derives: tuple[str, ...] = ()
    messages: Mapping[str, str] = {}
    error_order: tuple[str, ...] = ()
    upsert: str | None = None

    def prepare(self, table: pd.DataFrame, columns: dict[str, str],
                error: RowErrorSink) -> None:
        pass

    def check(self, cells: dict[str, list], values: dict[str, list],
              error: RowErrorSink) -> None:
        pass

    def written(self, ids: list | None, values: dict[str, list]) -> None:
        pass


def _hook(layer: type[Layer]) -> ImportHook:
    """The layer's hook; a layer without one gets the base class, which adds nothing."""
    return import_string(layer.import_hook)() if layer.import_hook else ImportHook()


def _say(hook: ImportHook, code: str, default: str, **params) -> str:
    """The importer's message `code`, in the hook's wording when it has its own."""
    return hook.messages.get(code, default) % params


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


def resolve_columns(layer: type[Layer], columns: list[str], mapping: dict[str, str],
                    hook: ImportHook | None = None, options: Mapping[str, str] | None = None
                    ) -> dict[str, str]:
    """Property -> file column: the explicit mapping, then same names (or DBF-cut names),
    then the hook's aliases. `options` names the caller's setting of each property's
    column (e.g. `--code-field`), to label column errors; default `--map COLUMN=PROP`."""
    fields, hook, options = importable_fields(layer), hook or ImportHook(), options or {}
    errors, out = [], {}
    cols = ", ".join(columns)
    for column, prop in mapping.items():
        label = options.get(prop, f"--map {column}={prop}")
        if prop not in fields:
            errors.append(LayerRowError(0, label, _(
                "图层 %(layer)s 没有可导入的属性 %(prop)s（可导入：%(props)s）") % {
                "layer": layer.id, "prop": prop, "props": ", ".join(fields)}))
        elif column not in columns:
            errors.append(LayerRowError(0, label, _say(
                hook, "unknown_column", _("文件中没有列 %(column)s"), column=column, cols=cols)))
        out[prop] = column
    free = [c for c in columns if c not in mapping]
    for prop in fields:
        cut = [c for c in free if c == prop[:DBF_NAME_LENGTH]]
        named = [c for c in hook.aliases.get(prop, ()) if c in free]
        if prop not in out and (prop in free or len(cut) == 1 or named):
            out[prop] = prop if prop in free else cut[0] if len(cut) == 1 else named[0]
    for name in _unfillable(layer):
        errors.append(LayerRowError(0, name, _(
            "必填字段 %(name)s 不是图层 %(layer)s 声明的属性，该图层不能从文件导入")
            % {"name": name, "layer": layer.id}))
    for prop, f in fields.items():
        if prop not in out and prop not in hook.derives and _required(f):
            errors.append(LayerRowError(0, options.get(prop, prop), _say(
                hook, "missing_column", _("文件中没有必填列 %(prop)s（文件的列：%(cols)s）"),
                prop=prop, column=prop, cols=cols)))
    if errors:
        raise LayerImportError(errors)
    return out


# ---- checking -----------------------------------------------------------------------------

def _clean_columns(layer: type[Layer], table: pd.DataFrame, columns: dict[str, str],
                   rows: _Rows, bar: tqdm) -> None:
    """Each column through its field's checks, a column at a time (`layers.import_cells`)."""
    for prop, f in importable_fields(layer).items():
        if prop not in columns:
            continue
        rows.values[prop], problems = clean_column(f, table[columns[prop]], rows.rejected)
        for i, message in problems.items():
            rows.error(i, prop, message)
        bar.update(rows.count)


def _clean_geometries(layer: type[Layer], geoms: np.ndarray, rows: _Rows) -> None:
    """Check kind, validity and lon/lat range; promote to multi; encode as hex EWKB."""
    kind = layer.geometry_type()
    multi = layer.geometry_field().geom_type.upper().startswith("MULTI")
    geoms = geoms.copy()
    deep = np.flatnonzero(shapely.has_z(geoms) | shapely.has_m(geoms))
    geoms[deep] = shapely.force_2d(geoms[deep])
    types = shapely.get_type_id(geoms)
    box = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        in_range = (box[:, 0] >= -180) & (box[:, 2] <= 180) & (box[:, 1] >= -90) & \
            (box[:, 3] <= 90)
    allowed = [GEOMETRY_IDS[kind]] + ([GEOMETRY_IDS[kind] + 3] if multi else [])
    good = np.isin(types, allowed) & shapely.is_valid(geoms) & in_range
    for i in np.flatnonzero(~good):
        rows.error(int(i), "geometry", _geometry_problem(geoms[i], kind, multi, rows))
    if multi:
        single = np.flatnonzero(good & (types == GEOMETRY_IDS[kind]))
        geoms[single] = [getattr(shapely, f"Multi{kind}")([g]) for g in geoms[single]]
    geoms[~good] = None
    rows.geoms = _hex_ewkb(geoms)


def _hex_ewkb(geoms: np.ndarray) -> list[str | None]:
    """2D geometries as hex EWKB with SRID 4326, which PostGIS reads: little-endian WKB
    whose type word gets the SRID flag, then the SRID (cheaper than set_srid on each)."""
    wkb = shapely.to_wkb(geoms, hex=True, byte_order=1)
    return [None if w is None else f"{w[:8]}20E6100000{w[10:]}" for w in wkb.tolist()]


def _geometry_problem(geom, kind: str, multi: bool, rows: _Rows) -> str:
    if geom is None or geom.is_empty:
        return rows.say("geometry_missing", _("缺少几何（坐标）"))
    if geom.geom_type not in (kind, f"Multi{kind}" if multi else kind):
        return rows.say("geometry_kind", _("几何类型 %(got)s 不是 %(want)s"),
                        got=geom.geom_type, want=kind)
    if not geom.is_valid:
        return rows.say("geometry_invalid", _("几何无效：%(reason)s"),
                        reason=shapely.is_valid_reason(geom))
    return rows.say("geometry_range", _("坐标超出经纬度范围（应为 EPSG:4326/4490 经纬度）"))


def _existing(model, name: str, values: list) -> set:
    """Which of `values` the column already holds (one `= ANY(array)` probe of its index)."""
    f = model._meta.get_field(name)
    array, cast = values, ""
    if values and f.get_internal_type() in ("CharField", "TextField"):
        array, cast = _text_array(values), "::text[]"
    with connection.cursor() as cur:
        cur.execute(f'SELECT "{f.column}" FROM "{model._meta.db_table}" '
                    f'WHERE "{f.column}" = ANY(%s{cast})', [array])
        return {f.to_python(v) for (v,) in cur.fetchall()}


def _text_array(values: list[str]) -> str:
    """A text[] literal: one parameter instead of psycopg adapting 100,000 strings."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def _check_unique(layer: type[Layer], rows: _Rows) -> None:
    """Unique fields: no repeats inside the file, no clash with stored rows (but the
    hook's upsert key, whose stored rows are updated)."""
    for prop, f in importable_fields(layer).items():
        if not f.unique or prop not in rows.values:
            continue
        values = pd.Series(rows.values[prop], dtype=object)
        values = values[values.notna() & (values != "")]
        repeated = values.duplicated()
        first = dict(zip(values[~repeated].tolist(), values.index[~repeated].tolist(),
                         strict=True))
        for i, value in values[repeated].items():
            rows.error(i, prop, rows.say("duplicate", _("与第%(row)d行重复：%(value)s"),
                                         row=first[value] + 1, value=value))
        if prop == rows.hook.upsert:
            continue
        for value in _existing(layer.model, prop, list(first)):
            rows.error(first[value], prop,
                       rows.say("stored", _("数据库中已存在：%(value)s"), value=value))


def _check_relations(layer: type[Layer], rows: _Rows) -> None:
    for prop, f in importable_fields(layer).items():
        if not f.is_relation or prop not in rows.values:
            continue
        wanted = {v for v in rows.values[prop] if v is not None}
        found = _existing(f.related_model, f.target_field.name, sorted(wanted))
        if f.related_model is layer.model:  # a row may point at another row of the file
            found.update(rows.values.get(f.target_field.name, ()))
        for i, value in enumerate(rows.values[prop]):
            if value is not None and value not in found:
                rows.error(i, prop, rows.say("not_found", _("%(value)s 不存在"), value=value))


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
    hook = hook or ImportHook()
    rows = _Rows(len(table), {}, geoms, where, hook)
    if not rows.count:
        raise file_error("file", _("文件中没有数据行"))
    hook.prepare(table, columns, rows.error)
    rows.rejected = {e.row - 1 for e in rows.errors}
    with tqdm(total=rows.count * len(columns), unit="cell", desc=f"check {layer.id}",
              disable=not progress) as bar:
        _clean_columns(layer, table, columns, rows, bar)
    _clean_geometries(layer, geoms, rows)
    _check_scope(layer, scope, rows)
    _check_unique(layer, rows)
    _check_relations(layer, rows)
    cells = {c: table[c].tolist() for c in hook.columns if c in table.columns}
    hook.check(cells, rows.values, rows.error)
    if rows.errors:
        order = {name: i for i, name in enumerate(
            hook.error_order or [*columns, "geometry", *hook.columns])}
        for prop, column in columns.items():  # a hook may name a field by its file column
            order.setdefault(column, order.get(prop, 99))
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


def _sources(layer: type[Layer], rows: _Rows, ids: list | None
             ) -> tuple[list[Field], list[Column]]:
    """The columns to write and, for each, its value per row as COPY takes it (`Same`
    for a column the file does not carry)."""
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
            sources.append(Same(f.get_db_prep_save(_fill(f, now), connection)))
    return fields, sources


def _copy(table: str, fields: list[Field], sources: list[Column], *, desc: str,
          progress: bool) -> None:
    with connection.cursor() as cur:
        copy_rows(cur.cursor, table, [f.column for f in fields], sources, desc=desc,
                  progress=progress)


def _insert(layer: type[Layer], rows: _Rows, progress: bool) -> list | None:
    """All rows with one COPY (triggers such as the tile versions still fire); the new
    rows' ids when a hook wants them: the file's own keys, else reserved ones."""
    pk = layer.model._meta.pk
    ids = None
    if layer.import_hook:
        ids = rows.values[pk.name] if pk.name in rows.values else \
            _reserve_ids(layer, rows.count)
    fields, sources = _sources(layer, rows, ids)
    with connection.cursor() as cur, indexes_built_after(cur.cursor, layer.table(), rows.count):
        _copy(layer.table(), fields, sources, desc=f"import {layer.id}", progress=progress)
    return ids


def _upsert(layer: type[Layer], rows: _Rows, key: str, progress: bool) -> tuple[list, int]:
    """Insert new keys and update stored ones: COPY into a temporary table, then one
    INSERT … ON CONFLICT, so it stays one bulk write. Foreign keys are deferred to the
    commit (Django declares them DEFERRABLE INITIALLY DEFERRED), so a row may point at
    one written after it. Returns the rows' ids in file order and how many were updated."""
    fields, sources = _sources(layer, rows, None)
    names = ", ".join(f'"{f.column}"' for f in fields)
    geom = layer.geometry_field()  # only what the file carries replaces stored values
    carried = ", ".join(f'"{f.column}" = EXCLUDED."{f.column}"' for f in fields
                        if f.name != key and (f.name in rows.values or f is geom))
    key_column = layer.model._meta.get_field(key).column
    with connection.cursor() as cur:
        cur.execute(f'CREATE TEMPORARY TABLE import_rows AS SELECT {names} '
                    f'FROM "{layer.table()}" WITH NO DATA')
        _copy("import_rows", fields, sources, desc=f"import {layer.id}", progress=progress)
        cur.execute(f'INSERT INTO "{layer.table()}" ({names}) SELECT {names} FROM import_rows '
                    f'ON CONFLICT ("{key_column}") DO UPDATE SET {carried} '
                    # xmax is 0 on a row this statement inserted, not on one it updated
                    f'RETURNING "{key_column}", "{layer.pk_column()}", xmax = 0')
        written = cur.fetchall()
        cur.execute("DROP TABLE import_rows")
    ids = {k: pk for k, pk, _inserted in written}
    return [ids[k] for k in rows.values[key]], sum(not inserted for *_, inserted in written)


def import_layer(layer: type[Layer], path: str | Path, *, mapping: dict[str, str] | None = None,
                 dry_run: bool = False, scope: Scope | None = None, lon: str = "lon",
                 lat: str = "lat", source_layer: str | None = None,
                 options: Mapping[str, str] | None = None, user_id: int | None = None,
                 progress: bool = False) -> ImportResult:
    """Check the whole file; unless `dry_run`, write it in one transaction and audit it.

    `mapping` is file column -> property; `options` labels column errors (see
    `resolve_columns`); `source_layer` picks a layer of a multi-layer file (GeoPackage).
    `scope=None` is an operator (no limit); a web upload passes the caller's scope so rows
    outside it are rejected.
    """
    table, geoms, where = read_source(path, lon=lon, lat=lat, layer=source_layer)
    hook = _hook(layer)
    columns = resolve_columns(layer, list(table.columns), mapping or {}, hook, options)
    handled = {*columns.values(), *hook.columns}
    result = ImportResult(layer.id, len(table), 0, dict(columns),  # prepare may add to it
                          [c for c in table.columns if c not in handled])
    with transaction.atomic():
        rows = check_rows(layer, table, geoms, columns, where=where, scope=scope,
                          progress=progress, hook=hook)
        if dry_run:
            return result
        if hook.upsert:
            ids, result.updated = _upsert(layer, rows, hook.upsert, progress)
        else:
            ids = _insert(layer, rows, progress)
        hook.written(ids, rows.values)
        AuditEntry.objects.create(
            user_id=user_id, action=AuditAction.CREATE, model=layer.model._meta.label_lower,
            object_pk="", changes={"imported": rows.count, "file": Path(path).name,
                                   **({"updated": result.updated} if hook.upsert else {})})
    result.written = rows.count
    return result
