"""Supervising department (监管部门): the rule that picks it, in SQL.

A government organisation supervises the enterprises of its division whose industry
code starts with one of its `industry_prefixes` (empty: every industry). For one
enterprise the deepest division wins, then the longest matching prefix, then the
lowest id (so the choice is stable). Both functions are one statement each.
"""

from __future__ import annotations

from django.db import connection

from geo.models import LEVEL_DIGITS, OrganisationKind

_DIGITS = " ".join(f"WHEN '{level}' THEN {n}" for level, n in LEVEL_DIGITS.items())
# One row per (organisation, prefix): `area` is the code prefix shared by its division,
# `depth` its length; an organisation without prefixes gives one row with prefix ''.
_RULES = f"""
rules AS (
  SELECT o.id, left(d.code, r.depth) AS area, r.depth, coalesce(p.prefix, '') AS prefix
  FROM geo_organisation o
  JOIN geo_division d ON d.code = o.division_id
  CROSS JOIN LATERAL (SELECT CASE d.level {_DIGITS} END AS depth) r
  LEFT JOIN LATERAL unnest(o.industry_prefixes) AS p(prefix) ON true
  WHERE o.kind = %s
)"""
_DEPTHS = sorted(set(LEVEL_DIGITS.values()))


def department_for(*, industry: str, division_code: str) -> int | None:
    """Id of the government organisation that supervises an enterprise of this
    industry in this division, or None when no rule covers it."""
    sql = f"""WITH {_RULES}
      SELECT id FROM rules
      WHERE starts_with(%s, area) AND starts_with(%s, prefix)
      ORDER BY depth DESC, length(prefix) DESC, id LIMIT 1"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [OrganisationKind.GOVERNMENT, division_code or "", industry or ""])
        row = cursor.fetchone()
    return row[0] if row else None


def supervising_departments_reassign(*, division_prefix: str = "") -> int:
    """Re-apply the rule to every enterprise (optionally under one division code
    prefix) in one UPDATE … FROM; returns how many changed. Run after rules change.

    The rule rows are joined on `left(division_code, depth) = area` for each possible
    depth, an equality join PostgreSQL can hash, instead of a prefix test per pair.
    """
    depths = ",".join(f"({n})" for n in _DEPTHS)
    sql = f"""WITH {_RULES},
      chosen AS (
        SELECT DISTINCT ON (e.id) e.id, r.id AS department
        FROM registry_enterprise e
        CROSS JOIN (VALUES {depths}) AS k(depth)
        JOIN rules r ON r.depth = k.depth AND r.area = left(e.division_code, k.depth)
                    AND starts_with(e.industry, r.prefix)
        WHERE starts_with(e.division_code, %s)
        ORDER BY e.id, r.depth DESC, length(r.prefix) DESC, r.id
      ),
      target AS (
        SELECT e.id, c.department FROM registry_enterprise e
        LEFT JOIN chosen c ON c.id = e.id
        WHERE starts_with(e.division_code, %s)
      )
      UPDATE registry_enterprise e SET supervising_department_id = t.department
      FROM target t
      WHERE t.id = e.id AND e.supervising_department_id IS DISTINCT FROM t.department"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [OrganisationKind.GOVERNMENT, division_prefix, division_prefix])
        return cursor.rowcount
