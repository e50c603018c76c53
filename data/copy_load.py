"""Bulk loading with PostgreSQL COPY (psycopg 3): CSV chunks, geometry as EWKB hex."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pandas as pd
import shapely

CHUNK_ROWS = 100_000


def ewkb_hex(geoms: np.ndarray, srid: int = 4326) -> np.ndarray:
    """Hex EWKB with the SRID embedded: what a geometry column reads from COPY text."""
    return shapely.to_wkb(shapely.set_srid(geoms, srid), hex=True, include_srid=True)


def copy_frame(cursor, table: str, frame: pd.DataFrame) -> int:
    """COPY every column of `frame` into the same-named columns of `table`.

    `cursor` is a Django cursor on the psycopg 3 backend (it exposes `copy`).
    Empty cells arrive as NULL (CSV format), so None in the frame means NULL."""
    columns = ", ".join(frame.columns)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, len(frame), CHUNK_ROWS):
            copy.write(frame.iloc[start:start + CHUNK_ROWS].to_csv(header=False, index=False))
    return len(frame)


@contextmanager
def indexes_deferred(cursor, table: str):
    """Drop `table`'s secondary indexes and unique constraints, and build them again on
    exit: one sorted build per index is many times faster than a million inserts into
    each. The primary key and anything a foreign key relies on stay."""
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " WHERE c.conrelid = %s::regclass AND c.contype = 'u' AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)",
        [table])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = %s::regclass AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [table])
    indexes = cursor.fetchall()
    # ALTER TABLE refuses while deferred foreign-key checks are queued: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
