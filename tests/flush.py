"""Emptying the database after a transactional test (live_server, `transaction=True`),
without Django's full flush.

Django's `TransactionTestCase` ends each test with `manage.py flush`: one TRUNCATE of every
model table (121 here, each with its indexes: new files, fsynced at commit), then the
post_migrate signal, which recreates every content type and permission the TRUNCATE removed
and reinstalls the tile triggers on every layer table. Measured on the 2-core CI machine:
3–7 s per test, whatever the test wrote. Here a test ends with a DELETE of only the tables
it left rows in (found in one statement), and the content types and permissions, which
migrate wrote and no test changes, stay: post_migrate has nothing left to redo. Every
other model table is empty afterwards, as after the full flush.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.test import TransactionTestCase

# Written by migrate (and post_migrate), read by tests, written by none.
KEPT = frozenset({"django_content_type", "auth_permission"})

_full_flush = TransactionTestCase._fixture_teardown


def tables_with_rows(connection) -> list[str]:
    """The model tables (as `flush` empties them) that hold a row, minus KEPT."""
    tables = sorted(set(connection.introspection.django_table_names(
        only_existing=True, include_views=False)) - KEPT)
    quote = connection.ops.quote_name
    probes = " UNION ALL ".join(
        f"(SELECT {i} FROM {quote(table)} LIMIT 1)" for i, table in enumerate(tables))
    with connection.cursor() as cursor:
        cursor.execute(probes)
        return [tables[i] for (i,) in cursor.fetchall()]


# Row triggers on DELETE: the append-only logs (security events, evidence entries) refuse
# deletes, not TRUNCATE.
REFUSING_DELETE = """SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger
                     WHERE NOT tgisinternal AND tgtype & 1 = 1 AND tgtype & 8 = 8"""


def empty(connection) -> None:
    """DELETE the rows of every table that has some, in one transaction (TRUNCATE where a
    row trigger refuses deletes, as flush does). Django's foreign keys are DEFERRABLE
    INITIALLY DEFERRED, so the order does not matter. The layer tables' delete triggers
    write tile versions (tables without triggers of their own), so a second pass empties
    what the first one wrote."""
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(REFUSING_DELETE)
        refusing = {name for (name,) in cursor.fetchall()}
        for _ in range(3):
            if not (tables := tables_with_rows(connection)):
                return
            if truncate := [quote(t) for t in tables if t in refusing]:
                # CASCADE: the tables that refer to a log are emptied here anyway
                cursor.execute(f"TRUNCATE {', '.join(truncate)} CASCADE")
            for table in tables:
                if table not in refusing:
                    cursor.execute(f"DELETE FROM {quote(table)}")
        assert not (tables := tables_with_rows(connection)), f"still with rows: {tables}"


def _fixture_teardown(self: TransactionTestCase) -> None:
    if self.available_apps is not None or self.serialized_rollback or self.reset_sequences:
        return _full_flush(self)  # the cases this shortcut does not cover: Django's flush
    for alias in self._databases_names(include_mirrors=False):
        empty(connections[alias])


def install() -> None:
    """From now on, transactional tests end with `empty` instead of the full flush."""
    TransactionTestCase._fixture_teardown = _fixture_teardown
