"""The checked rows into a table with one COPY, built a column at a time.

psycopg's `write_row` adapts every value of every row on its own (2.7 million values for
100,000 enterprises). Here each column becomes COPY text with one pass over it for the
kinds an import carries (text, whole numbers, flags, hex EWKB); a column the file does
not carry, one value for every row, is rendered once; any other value goes through
psycopg's own text dumper, so the server receives what `write_row` would have sent.
The rows leave in chunks through psycopg's queued writer, whose thread sends one chunk
while the next is joined.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat

from psycopg import Cursor
from psycopg.adapt import PyFormat, Transformer
from psycopg.copy import QueuedLibpqWriter
from psycopg.errors import LockNotAvailable
from tqdm import tqdm

NULL = "\\N"
# What COPY's text format needs escaped inside a value
ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
CHUNK = 10_000  # rows per write, and per step of the progress bar


@dataclass(frozen=True)
class Same:
    """One value for every row: a column the file does not carry."""

    value: object


Column = Sequence | Same


def copy_rows(cursor: Cursor, table: str, names: Sequence[str], columns: Sequence[Column],
              *, desc: str, progress: bool) -> None:
    """COPY `columns` (one per name, each a value per row or `Same`) into `table`."""
    tx = Transformer.from_context(cursor)
    same = {i: _text(c.value, tx) for i, c in enumerate(columns) if isinstance(c, Same)}
    count = next(len(c) for c in columns if not isinstance(c, Same))
    head = ", ".join(f'"{n}"' for n in names)
    with tqdm(total=count, unit="row", desc=desc, disable=not progress) as bar, \
            cursor.copy(f'COPY "{table}" ({head}) FROM STDIN',
                        writer=QueuedLibpqWriter(cursor)) as copy:
        for start in range(0, count, CHUNK):  # the server takes one chunk, we build the next
            end = min(start + CHUNK, count)
            texts = [repeat(same[i], end - start) if i in same else
                     column_text(c[start:end], tx) for i, c in enumerate(columns)]
            copy.write(("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n").encode())
            bar.update(end - start)


def column_text(values: Sequence, tx: Transformer) -> list[str]:
    """Each value as COPY text."""
    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {str}:
        joined = "".join(v for v in values if v is not None)
        plain = not any(c in joined for c in "\\\n\r\t")  # most columns: nothing to escape
        return [NULL if v is None else v if plain else v.translate(ESCAPES) for v in values]
    if kinds <= {int}:
        return [NULL if v is None else str(v) for v in values]
    if kinds <= {bool}:
        return [NULL if v is None else "t" if v else "f" for v in values]
    return [_text(v, tx) for v in values]


def _text(value, tx: Transformer) -> str:
    """One value as psycopg writes it in COPY text."""
    if value is None:
        return NULL
    return bytes(tx.get_dumper(value, PyFormat.TEXT).dump(value)).decode().translate(ESCAPES)


# ---- a large load into a small table --------------------------------------------------------

@contextmanager
def indexes_built_after(cursor: Cursor, table: str, rows: int) -> Iterator[bool]:
    """Around a COPY of `rows` rows: when the table holds no more rows than that and its
    lock is free right now, drop its secondary indexes and unique constraints and build
    them again afterwards (PostgreSQL's advice for bulk loads: building an index over all
    rows is several times cheaper than growing it row by row). Yields whether it did.

    The primary key stays. A unique constraint comes back with ALTER TABLE … ADD
    CONSTRAINT, which checks every row again (the importer has already reported any
    repeat by row); one that a foreign key leans on, or a deferrable one, stays. All in the import's
    transaction: a failed import gets everything back with its rollback. The table is
    locked against readers until the import commits, which is why a table larger than
    the file (a live layer) keeps its indexes and the slower, lock-light path; the lock
    is taken with NOWAIT, never queued behind a reader."""
    if not _small(cursor, table, rows) or not _locked(cursor, table):
        yield False
        return
    regclass = [f'"{table}"']
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND i.indisvalid AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)", regclass)
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint k "
        "WHERE conrelid = %s::regclass AND contype = 'u' AND NOT condeferrable "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
        "WHERE f.contype = 'f' AND f.conindid = k.conindid)", regclass)
    uniques = cursor.fetchall()
    with _checks_now(cursor, table):  # ALTER TABLE refuses pending deferred checks
        for name, _definition in uniques:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield True
    with _checks_now(cursor, table):  # so do CREATE INDEX and ADD CONSTRAINT
        for name, definition in uniques:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)


@contextmanager
def _checks_now(cursor: Cursor, table: str) -> Iterator[None]:
    """Run the table's pending deferred checks now, then defer them again for the rest of
    the transaction (they are declared INITIALLY DEFERRED)."""
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND condeferred", [f'"{table}"'])
    deferred = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
    if deferred:
        cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
    yield
    if deferred:
        cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")


def _small(cursor: Cursor, table: str, rows: int) -> bool:
    """Whether the table holds at most `rows` rows (counting no further than that)."""
    cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT %s) AS held',
                   [rows + 1])
    return cursor.fetchone()[0] <= rows


def _locked(cursor: Cursor, table: str) -> bool:
    """Take the table's exclusive lock if nobody holds a lock on it now."""
    cursor.execute("SAVEPOINT import_lock")
    try:
        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE NOWAIT')
    except LockNotAvailable:
        cursor.execute("ROLLBACK TO SAVEPOINT import_lock")
        return False
    cursor.execute("RELEASE SAVEPOINT import_lock")  # the lock stays with the transaction
    return True
