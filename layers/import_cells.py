"""One file column cleaned for one model field, all rows at once.

The rule is the importer's: every cell gets exactly what `clean_cell` (the model field's
own `clean()`) gives it, or its message. What changes is how often that runs. A column is
first reduced to its distinct cells (codes, levels and flags repeat), and the distinct
texts or whole numbers of a field whose checks are Django's own (length, choices, regex,
number bounds, null characters) or a validator carrying a `many` function are checked as
arrays. Only the cells those checks refuse, blank cells and cells of any other kind go
through `clean_cell` one by one, which also words the message.

A validator `v` may carry `v.many(values) -> bool array`: which of `values` (non-blank,
already the field's Python type) `v` accepts, exactly as calling `v` on each would
(`geo.credit_code.validate_credit_code` does). Any other validator is called per distinct
cell, which is still far cheaper than a whole `clean()` per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from django.core import validators as dv
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, CharField, Field, IntegerField, TextField

BOOL_WORDS = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False}
Problems = dict[int, str]  # row index -> message


def normalise(raw):
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
    value = normalise(raw)
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


def clean_column(f: Field, cells: pd.Series, skip: set[int] = frozenset()
                 ) -> tuple[list, Problems]:
    """Every cell's cleaned value (None where bad or in `skip`) and each bad row's message."""
    distinct = _distinct(cells)
    if distinct is None:  # mixed kinds of cell: each one, as they come
        codes, values = np.arange(len(cells)), [normalise(v) for v in cells.tolist()]
    else:
        codes, values = distinct
    cleaned, bad = _clean_distinct(f, values)
    out = [cleaned[c] for c in codes.tolist()]
    problems: Problems = {}
    if bad:
        refused = np.zeros(len(values), dtype=bool)
        refused[list(bad)] = True
        problems = {int(i): bad[codes[i]] for i in np.flatnonzero(refused[codes])}
    for i in skip:  # rows the hook reported: their problems are known, their cells half-done
        out[i] = None
        problems.pop(i, None)
    return out, problems


def _distinct(cells: pd.Series) -> tuple[np.ndarray, list] | None:
    """(row -> distinct index, the distinct cells normalised), or None for a column of
    mixed kinds, where equal-looking cells (1, 1.0, True) must stay apart."""
    kind = cells.dtype.kind
    text = kind == "O" and pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty")
    if kind not in "biuf" and not text:
        return None
    codes, uniques = pd.factorize(cells)  # blank (NA) cells get -1
    if text:
        values = [v.strip() or None for v in uniques.tolist()]
    elif kind == "f":
        values = [normalise(v) for v in uniques.tolist()]
    else:
        values = uniques.tolist()  # Python ints and bools
    codes = np.where(codes < 0, len(values), codes)
    return codes, [*values, None]


def _clean_distinct(f: Field, values: list) -> tuple[list, Problems]:
    passed = _passes_at_once(f, values)
    cleaned, bad = list(values), {}
    for i in np.flatnonzero(~passed).tolist():
        try:
            cleaned[i] = clean_cell(f, values[i])
        except ValidationError as exc:
            cleaned[i], bad[i] = None, "; ".join(exc.messages)
    return cleaned, bad


# ---- the array checks ---------------------------------------------------------------------

def _passes_at_once(f: Field, values: list) -> np.ndarray:
    """Which values `f.clean` returns unchanged, found with array checks; False where
    unsure (the value is then cleaned alone)."""
    kind = _kind(f.target_field if f.is_relation else f)
    if kind is None or (not f.is_relation and not _stock_checks(f)):
        return np.zeros(len(values), dtype=bool)
    ok = np.fromiter((type(v) is kind for v in values), dtype=bool, count=len(values))
    if f.is_relation:  # its clean_cell is the target's to_python only
        return ok
    if f.choices is not None:
        keys = {key for key, _label in f.flatchoices}
        ok &= np.fromiter((v in keys for v in values), dtype=bool, count=len(values))
    for validator in f.validators:
        where = np.flatnonzero(ok)
        ok[where] = _accepted(validator, [values[i] for i in where.tolist()])
    return ok


def _kind(f: Field) -> type | None:
    """The Python type whose values the field's `to_python` returns as they are."""
    if isinstance(f, CharField | TextField) and \
            type(f).to_python in (CharField.to_python, TextField.to_python):
        return str
    if isinstance(f, IntegerField) and type(f).to_python is IntegerField.to_python:
        return int
    return None


def _stock_checks(f: Field) -> bool:
    return type(f).clean is Field.clean and type(f).validate is Field.validate and \
        type(f).run_validators is Field.run_validators


def _accepted(validator, values: Sequence) -> np.ndarray:
    """Which `values` the validator lets through (non-blank values of the field's type)."""
    kind = type(validator)
    limit = getattr(validator, "limit_value", None)
    if kind in (dv.MaxLengthValidator, dv.MinLengthValidator) and not callable(limit):
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        return lengths <= limit if kind is dv.MaxLengthValidator else lengths >= limit
    if kind in (dv.MaxValueValidator, dv.MinValueValidator) and isinstance(limit, int):
        high = kind is dv.MaxValueValidator
        return np.fromiter(((v <= limit) if high else (v >= limit) for v in values),
                           dtype=bool, count=len(values))
    if kind is dv.RegexValidator:
        search, inverse = validator.regex.search, validator.inverse_match
        return np.fromiter((bool(search(v)) != inverse for v in values), dtype=bool,
                           count=len(values))
    if kind is dv.ProhibitNullCharactersValidator:
        return np.fromiter(("\x00" not in v for v in values), dtype=bool, count=len(values))
    many = getattr(validator, "many", None)
    if many is not None:
        return np.asarray(many(values), dtype=bool)
    return np.fromiter((_calls_clean(validator, v) for v in values), dtype=bool,
                       count=len(values))


def _calls_clean(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True
