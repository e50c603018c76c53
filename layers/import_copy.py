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

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from psycopg import Cursor
from psycopg.adapt import PyFormat, Transformer
from psycopg.copy import QueuedLibpqWriter
from tqdm import tqdm

NULL = "\\N"
# What COPY's text format needs escaped inside a value
ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
CHUNK = 5_000  # rows per write, and per step of the progress bar


@dataclass(frozen=True)
class Same:
    """One value for every row: a column the file does not carry."""

    value: object


Column = Sequence | Same


def copy_rows(cursor: Cursor, table: str, names: Sequence[str], columns: Sequence[Column],
              *, desc: str, progress: bool) -> None:
    """COPY `columns` (one per name, each a value per row or `Same`) into `table`."""
    tx = Transformer.from_context(cursor)
    texts = [repeat(_text(c.value, tx)) if isinstance(c, Same) else column_text(c, tx)
             for c in columns]
    count = next(len(c) for c in columns if not isinstance(c, Same))
    head = ", ".join(f'"{n}"' for n in names)
    with tqdm(total=count, unit="row", desc=desc, disable=not progress) as bar, \
            cursor.copy(f'COPY "{table}" ({head}) FROM STDIN',
                        writer=QueuedLibpqWriter(cursor)) as copy:
        for start in range(0, count, CHUNK):
            part = [t if isinstance(t, repeat) else t[start:start + CHUNK] for t in texts]
            lines = map("\t".join, zip(*part, strict=False))  # `Same` columns repeat forever
            copy.write(("\n".join(lines) + "\n").encode())
            bar.update(min(CHUNK, count - start))


def column_text(values: Sequence, tx: Transformer) -> list[str]:
    """Each value as COPY text."""
    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {str}:
        return [NULL if v is None else v.translate(ESCAPES) for v in values]
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
