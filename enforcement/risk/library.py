"""The standards library of typical risk points (风险点标准库), shipped as `library.json`
and loaded by the data migration `0003_risk_library`, and again by `manage.py
load_risk_library` (`library_load`) when the file changes: rows are matched by industry and
name, so a reload updates, never doubles; every row is checked against the choices first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LIBRARY_FILE = Path(__file__).with_name("library.json")


def library_rows(path: Path = LIBRARY_FILE) -> list[dict[str, Any]]:
    """The library's points, checked against the choices: a bad row raises naming it."""
    from enforcement.risk.models import Industry, MeasureKind, PointKind
    from registry.knowledge.selectors import AccidentType

    rows = json.loads(path.read_text(encoding="utf-8"))["points"]
    for row in rows:
        where = f"{row.get('industry')}/{row.get('name')}"
        bad = [t for t in row["accident_types"] if t not in AccidentType.values]
        bad += [m["kind"] for m in row["measures"] if m["kind"] not in MeasureKind.values]
        if row["industry"] not in Industry.values or row["kind"] not in PointKind.values or bad:
            raise ValueError(f"library.json {where}: unknown {bad or 'industry or kind'}")
    return rows


def library_load(model, path: Path = LIBRARY_FILE) -> int:
    """Write the checked rows into `model` (LibraryPoint)."""
    rows = library_rows(path)
    for row in rows:
        model.objects.update_or_create(
            industry=row["industry"], name=row["name"],
            defaults={"kind": row["kind"], "hazard_factors": row["hazard_factors"],
                      "accident_types": row["accident_types"], "measures": row["measures"]})
    return len(rows)
