"""Importing divisions (行政区划): the `divisions` layer's import hook.

Boundary files (自然资源 and 民政 data) name their columns in many ways, write codes with
6 (GB/T 2260), 9 (town) or 12 digits, levels as words (省, 县级市, 2) or not at all, and
parents or not. This hook reads those columns, makes every code 12 digits, takes the level
from its words or from the code, infers or checks each parent against the file and the
database, and makes the write an upsert on the code, so loading a file again updates its
boundaries. The rest (cells, geometry, duplicates, the write, the audit entry) is the one
layer importer's, in the wording the `import_divisions` command has always used.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.models import LEVEL_DIGITS, Division, code_prefix
from layers.imports import ImportHook, RowErrorSink

LEVEL_ORDER = list(LEVEL_DIGITS)  # province first
LEVEL_ALIASES = {
    **{name: name for name in LEVEL_ORDER},
    **{str(i + 1): name for i, name in enumerate(LEVEL_ORDER)},
    "省": "province", "市": "city", "地级市": "city", "县": "county", "区": "county",
    "县级市": "county", "乡镇": "town", "镇": "town", "乡": "town", "街道": "town",
    "村": "village", "社区": "village", "居委会": "village", "村委会": "village",
}
PROPERTIES = ("code", "name", "level", "parent")
DERIVED = "{} (from the code)"  # name of a column added for a level or parent the file lacks


@dataclass
class _Row:
    code: str
    level: str
    parent: str | None  # as the file gives it, then as resolved


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


def _check_row(cells: dict) -> tuple[_Row | None, list[tuple[str, str]]]:
    """One row's raw code, name, level and parent: the row normalised, or (property,
    problem) pairs. Only the columns the file has are in `cells`."""
    problems = []
    code, message = normalise_code(cells["code"])
    if message:
        problems.append(("code", message))
    name = cells["name"]
    if name is None or name != name or not str(name).strip():
        problems.append(("name", "missing name"))
    level = None
    if "level" in cells:
        raw = cells["level"]
        level = LEVEL_ALIASES.get(str(raw).strip().lower()) if raw == raw else None
        if level is None:
            problems.append(("level", f"unknown level {raw!r}"))
        elif code and code[LEVEL_DIGITS[level]:].strip("0"):
            problems.append(("level", f"code {code} has digits past the "
                                      f"{LEVEL_DIGITS[level]} of a {level}"))
    parent, raw = None, cells.get("parent")
    if raw not in (None, "") and raw == raw:
        parent, message = normalise_code(raw)
        if message:
            problems.append(("parent", message))
    if problems:
        return None, problems
    return _Row(code, level or level_of_code(code), parent), []


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


class DivisionsImport(ImportHook):
    # Column names tried when the file has no column of the property's name (common in
    # 自然资源 data).
    aliases = {
        "code": ("adcode", "gb", "dm", "qhdm", "xzqdm", "区划代码", "行政区划代码"),
        "name": ("mc", "qhmc", "xzqmc", "名称", "行政区划名称"),
        "level": ("jb", "级别"),
        "parent": ("parent_code", "sjdm", "上级代码"),
    }
    derives = ("level", "parent")  # from the code
    messages = {
        "unknown_column": "no column %(column)r in the file (columns: %(cols)s)",
        "missing_column": "no column %(column)r in the file (columns: %(cols)s)",
        "geometry_missing": "missing geometry",
        "geometry_kind": "%(got)s is not a polygon or multipolygon",
        "geometry_invalid": "invalid geometry: %(reason)s",
        "geometry_range": "coordinates outside longitude/latitude (EPSG:4326/4490 expected)",
        "duplicate": "duplicate code %(value)s (also row %(row)d)",
    }
    error_order = ("geometry", *PROPERTIES)
    upsert = "code"  # a file loaded again updates its divisions

    def __init__(self) -> None:
        self.parent_problems: list[tuple[int, str, str]] = []

    def prepare(self, table: pd.DataFrame, columns: dict[str, str],
                error: RowErrorSink) -> None:
        present = {p: columns[p] for p in PROPERTIES if p in columns}
        cells = {p: table[c].tolist() for p, c in present.items()}
        rows: list[_Row | None] = []
        for i in range(len(table)):
            row, problems = _check_row({p: cells[p][i] for p in present})
            for prop, message in problems:
                error(i, present[prop], message)
            rows.append(row)
        self._resolve(rows, present.get("parent", "parent"))
        for prop in ("code", "level", "parent"):
            if prop not in columns:
                columns[prop] = DERIVED.format(prop)
            table[columns[prop]] = [getattr(r, prop) if r else None for r in rows]

    def check(self, cells: dict[str, list], values: dict[str, list],
              error: RowErrorSink) -> None:
        # Reported here, not in prepare, so that a division with a wrong parent is still
        # one of the file's (prepare leaves its rows out) and its children may point at it.
        for problem in self.parent_problems:
            error(*problem)

    def _resolve(self, rows: list[_Row | None], label: str) -> None:
        """Each good row's parent, inferred or checked against the file and the database;
        None where it is wrong, so that only the problem noted here is reported."""
        first: dict[str, int] = {}
        for i, r in enumerate(rows):
            if r is not None:
                first.setdefault(r.code, i)
        known = _known_levels([rows[i] for i in first.values()])
        for i, r in enumerate(rows):
            if r is None:
                continue
            if first[r.code] != i:
                r.parent = None  # the importer reports the repeat; its parent does not count
                continue
            try:
                r.parent = _resolve_parent(r, known)
            except ValueError as exc:
                r.parent = None
                self.parent_problems.append((i, label, str(exc)))
