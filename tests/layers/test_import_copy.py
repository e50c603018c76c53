"""Writing an import (`layers.import_copy`): rows built a column at a time reach the table
exactly as psycopg's `write_row` would have written them; a large load into a small table
builds its indexes afterwards; the probe for stored values quotes texts right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, transaction

from layers.import_copy import Same, copy_rows, indexes_built_after
from layers.imports import _existing
from registry.enterprises.models import Enterprise

COLUMNS = {"t": "text", "i": "bigint", "b": "boolean", "f": "float8", "n": "numeric",
           "d": "date", "ts": "timestamptz", "a": "varchar(24)[]", "j": "jsonb"}
NOW = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC)
VALUES = {
    "t": ["plain", "tab\there", "new\nline\r", "back\\slash \\N", "", None, "中文"],
    "i": [0, -1, 2**40, None, 7, 8, 9],
    "b": [True, False, None, True, False, True, False],
    "f": [0.1, -2.5, float("inf"), None, 1e300, 3.0, 4.0],
    "n": [Decimal("1.50"), None, Decimal("-0.001"), Decimal(7), Decimal(8), Decimal(9),
          Decimal(0)],
    "d": [dt.date(2026, 1, 2), None, dt.date(1999, 12, 31), dt.date(2000, 2, 29),
          dt.date(2026, 1, 2), None, None],
    "ts": Same(NOW),
    "a": [[], ["a", "b c"], ['q"uote', "x\\y"], None, ["tab\t"], [], ["中"]],
    "j": Same('{"k": [1, "tab\\t"]}'),
}


def test_copy_rows_writes_what_write_row_writes(db):
    with connection.cursor() as cur:
        for table in ("by_column", "by_row"):
            cur.execute(f"CREATE TEMPORARY TABLE {table} (k serial, "
                        + ", ".join(f"{c} {t}" for c, t in COLUMNS.items()) + ")")
        copy_rows(cur.cursor, "by_column", list(COLUMNS), list(VALUES.values()),
                  desc="test", progress=False)
        rows = zip(*(v if isinstance(v, list) else [v.value] * 7 for v in VALUES.values()),
                   strict=False)
        with cur.cursor.copy(f"COPY by_row ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        read = f"SELECT {', '.join(COLUMNS)} FROM %s ORDER BY k"
        cur.execute(read % "by_column")
        by_column = cur.fetchall()
        cur.execute(read % "by_row")
        assert by_column == cur.fetchall()
    assert by_column[1][0] == "tab\there" and by_column[3][0] == "back\\slash \\N"
    assert by_column[2][7] == ['q"uote', "x\\y"] and by_column[0][8] == '{"k": [1, "tab\\t"]}'


def index_definitions(cur, table: str) -> list[str]:
    cur.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass ORDER BY 1", [table])
    return [d for (d,) in cur.fetchall()]


def test_indexes_built_after_a_large_load_into_a_small_table(world):
    """8 stored enterprises: a load of 8 rows rebuilds the indexes (same definitions
    afterwards, deferred checks deferred again), a load of 7 keeps them."""
    with connection.cursor() as cur:
        before = index_definitions(cur, "registry_enterprise")
        with indexes_built_after(cur.cursor, "registry_enterprise", 7) as rebuilt:
            assert not rebuilt
            assert index_definitions(cur, "registry_enterprise") == before
        with indexes_built_after(cur.cursor, "registry_enterprise", 8) as rebuilt:
            assert rebuilt
            assert len(index_definitions(cur, "registry_enterprise")) == 1  # the primary key
        assert index_definitions(cur, "registry_enterprise") == before
        cur.execute("UPDATE registry_enterprise SET organisation_id = -1 WHERE id = %s",
                    [world.enterprises_a[1].pk])  # still checked at commit, not now
        cur.execute("UPDATE registry_enterprise SET organisation_id = NULL WHERE id = %s",
                    [world.enterprises_a[1].pk])


def test_unique_constraints_check_the_rows_when_added_back(world):
    taken = world.enterprises_a[0]
    with pytest.raises(psycopg.errors.UniqueViolation), transaction.atomic(), \
            connection.cursor() as cur, \
            indexes_built_after(cur.cursor, "registry_enterprise", 10) as rebuilt:
        assert rebuilt
        cur.execute("INSERT INTO registry_enterprise (name, credit_code, industry, "
                    "address, risk_level, has_major_hazard, geom, division_code, "
                    "updated) SELECT name || '2', credit_code, industry, address, "
                    "risk_level, has_major_hazard, geom, division_code, updated "
                    "FROM registry_enterprise WHERE id = %s", [taken.pk])
    assert Enterprise.objects.filter(credit_code=taken.credit_code).count() == 1


def test_indexes_kept_when_the_table_is_in_use(world):
    """A reader holds a lock on the table: the load does not wait for it."""
    other = psycopg.connect(**connection.get_connection_params())
    try:
        other.execute("LOCK TABLE registry_enterprise IN ACCESS SHARE MODE")
        with connection.cursor() as cur, \
                indexes_built_after(cur.cursor, "registry_enterprise", 100) as rebuilt:
            assert not rebuilt
    finally:
        other.close()



def test_stored_probe_reads_texts_with_quotes_and_backslashes(world):
    """`_existing` sends text values as one text[] literal: quoting must hold."""
    odd = ['甲"乙', "back\\slash", "a,b", "{braces}", "NULL", " sp "]
    for i, name in enumerate(odd):
        stored = [*world.enterprises_a, *world.enterprises_b][i]
        Enterprise.objects.filter(pk=stored.pk).update(name=name)
    assert _existing(Enterprise, "name", [*odd, "absent"]) == set(odd)
    assert _existing(Enterprise, "risk_level", [1, 2, 3, 4]) == {1, 2, 3, 4} & {
        e.risk_level for e in Enterprise.objects.all()}
    assert _existing(Enterprise, "name", []) == set()
