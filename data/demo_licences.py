"""Licences (证照) of the demo enterprises outside the park, by what their trade needs.

The park's 40 get their safety production licence with the files (`demo_files`). Outside
it: hazardous-chemical producers (GB/T 4754 C25, C26) hold a safety production licence
(安全生产许可证, WH) and a registration certificate (危险化学品登记证); non-coal mines (B)
a safety production licence (FM); hazardous-chemical storage (G5942) a trading licence
with storage (危险化学品经营许可证); every firm whose file carries a standardisation grade
its certificate (安全生产标准化证书, grade 二级 from the city, 三级 from the county). Each is
valid for three years, ending between 45 days ago and three years ahead of the day the demo
is loaded, so every warning stage has some. Numbers and dates follow from the credit code
and the kind (not the row id), so every load gives the same licences. Set-based SQL, one
statement per kind, idempotent (an enterprise that holds a kind is not given another).
"""

from __future__ import annotations

from django.db import connection

# A stable number per enterprise and kind, 0 … 2^28 - 1, from its credit code (so one
# firm's licences do not all end on one day). %% is SQL's modulo in a query with parameters.
_HASH = "('x' || substr(md5(e.credit_code || %(kind)s), 1, 7))::bit(28)::int"
_VALID_TO = f"(CURRENT_DATE - 45 + {_HASH} %% 1140)"
_VALID_FROM = f"({_VALID_TO} - 1095)"
_YEAR = f"extract(year FROM {_VALID_FROM})::int"
_CITY = "(SELECT name FROM geo_division WHERE code = left(e.division_code, 4) || '00000000')"
_COUNTY = "(SELECT name FROM geo_division WHERE code = left(e.division_code, 6) || '000000')"
# kind, the enterprises that hold it (SQL on e), issuer, number — all SQL expressions
KINDS = [
    ("safety_production", "e.industry ~ '^C2[56]'", "'江淮省应急管理厅'",
     f"'(江淮)WH安许证字[' || {_YEAR} || ']' || lpad(({_HASH} %% 10000)::text, 4, '0')"),
    ("safety_production", "e.industry ~ '^B'", "'江淮省应急管理厅'",
     f"'(江淮)FM安许证字[' || {_YEAR} || ']' || lpad(({_HASH} %% 10000)::text, 4, '0')"),
    ("chemical_registration", "e.industry ~ '^C2[56]'", "'应急管理部化学品登记中心'",
     f"left(e.division_code, 6) || lpad(({_HASH} %% 100000)::text, 5, '0')"),
    ("chemical_trading", "e.industry LIKE 'G5942%%'", f"{_CITY} || '应急管理局'",
     f"'江淮' || substr(e.division_code, 3, 2) || '危化经字[' || {_YEAR} || ']'"
     f" || lpad(({_HASH} %% 1000000)::text, 6, '0')"),
    ("standardisation", "e.standardisation_grade IN ('2', '3')",
     f"CASE e.standardisation_grade WHEN '2' THEN {_CITY} ELSE {_COUNTY} END || '应急管理局'",
     f"'AQB' || CASE e.standardisation_grade WHEN '2' THEN 'Ⅱ' ELSE 'Ⅲ' END || '-'"
     f" || {_YEAR} || '-' || lpad(({_HASH} %% 100000)::text, 5, '0')"),
]
_INSERT = """INSERT INTO registry_licence (enterprise_id, organisation_id, division_code, kind,
  number, issuer, valid_from, valid_to)
SELECT e.id, e.organisation_id, e.division_code, %(kind)s, {number}, {issuer},
  {valid_from}, {valid_to}
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(area)s) AND NOT starts_with(e.division_code, %(park)s)
  AND {holds}
  AND NOT EXISTS (SELECT 1 FROM registry_licence l
                  WHERE l.enterprise_id = e.id AND l.kind = %(kind)s)"""
# The file's own "standardisation certificate valid to" follows the certificate.
_STANDARDISATION_DATE = """UPDATE registry_enterprise e SET standardisation_valid_to = l.valid_to
FROM registry_licence l
WHERE l.enterprise_id = e.id AND l.kind = 'standardisation'
  AND starts_with(e.division_code, %(area)s) AND e.standardisation_valid_to IS NULL"""


def demo_licences_ensure(park_code: str) -> int:
    """Give the enterprises outside the park the licences they lack; returns how many."""
    params = {"area": park_code[:2], "park": park_code[:9]}
    created = 0
    with connection.cursor() as cursor:
        for kind, holds, issuer, number in KINDS:
            cursor.execute(_INSERT.format(number=number, issuer=issuer, holds=holds,
                                          valid_from=_VALID_FROM, valid_to=_VALID_TO),
                           {**params, "kind": kind})
            created += cursor.rowcount
        cursor.execute(_STANDARDISATION_DATE, params)
    return created
