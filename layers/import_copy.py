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
