"""`layers.import_cells.clean_column`: a column checked at once gives each cell exactly
what the field's own clean() gives it alone, value or message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError

from geo.credit_code import make_credit_code
from layers.import_cells import clean_cell, clean_column
from registry.enterprises.models import Enterprise
from registry.hazards.models import HazardSource

CELLS = {
    "name": ["甲公司", " 乙公司 ", "", None, "x" * 201, "丙\x00公司", "甲公司", 12, np.nan],
    "credit_code": [make_credit_code("91320100000000001"), "91320100000000001A", "short",
                    make_credit_code("91320100000000001").lower(), None, "9132O1000000000012"],
    "industry": ["C2614", "c2614", "C26141", "Z", "B", " G5941 ", None],
    "risk_level": [1, 4, 0, 5, 3.0, 2.5, "2", " 3 ", "x", None, True, np.nan],
    "has_major_hazard": [True, False, "是", "否", "yes", "maybe", 1, 0, None],
    "status": ["registered", "cancelled", "nonsense", None, " registered "],
}


def one_by_one(f, cells):
    out = []
    for cell in cells:
        try:
            out.append(clean_cell(f, cell))
        except ValidationError as exc:
            out.append("; ".join(exc.messages))
    return out


def at_once(f, series, skip=frozenset()):
    values, problems = clean_column(f, series, set(skip))
    return [problems.get(i, v) for i, v in enumerate(values)]


@pytest.mark.parametrize("prop", sorted(CELLS))
def test_column_matches_each_cell(prop):
    f = Enterprise._meta.get_field(prop)
    cells = CELLS[prop] * 3  # repeats are cleaned once and handed to every row
    want = one_by_one(f, cells)
    assert at_once(f, pd.Series(cells, dtype=object)) == want
    typed = pd.Series(cells)  # as a file reader types them (numbers, strings, mixed)
    assert at_once(f, typed) == one_by_one(f, typed.tolist())


def test_typed_columns_and_skipped_rows():
    f = Enterprise._meta.get_field("risk_level")
    assert at_once(f, pd.Series([1, 2, 7, 4], dtype="int64"), skip={0}) == \
        [None, 2, "值 7 不是有效选项。", 4]
    assert at_once(f, pd.Series([1.0, np.nan, 3.0])) == [1, 4, 3]  # blank takes the default
    enterprise = HazardSource._meta.get_field("enterprise")
    assert at_once(enterprise, pd.Series([5, 6, 5, None], dtype=object)) == \
        [5, 6, 5, "此字段不能为空。"]
