"""Store-and-forward journal (断点续传): SQLite in WAL mode.

Every reading is committed here before any uplink sees it. Each uplink owns a
cursor (the highest sequence number its receiver acknowledged). See
docs/adr/0005-collector-journal.md for the format and the reasoning.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY, ts REAL NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
    value REAL, raw REAL, quality TEXT, reason TEXT, unit TEXT);
CREATE TABLE IF NOT EXISTS cursors (
    uplink TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL, dropped_pending INTEGER NOT NULL,
    dropped_total INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY, uplink TEXT NOT NULL, first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, reason TEXT NOT NULL, ts REAL NOT NULL, body TEXT);
"""


class Record(NamedTuple):
    """One journal entry: a reading (ref = point id) or an event (ref = source id)."""

    ts: float
    kind: str
    ref: str
    value: float | None
    raw: float | None
    quality: str | None
    reason: str | None
    unit: str | None


class Row(NamedTuple):
    seq: int
    ts: float
    kind: str
    ref: str
    value: float | None
    raw: float | None
    quality: str | None
    reason: str | None
    unit: str | None


class JournalLocked(RuntimeError):
    """Another agent process already owns this journal."""


class Journal:
    """Single-writer journal; one agent process per file (enforced by a lock)."""

    def __init__(self, path: str | Path, max_records: int, uplinks: list[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_records = max_records
        self._lock = _acquire_lock(self.path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives power loss, not only kill -9; a few fsyncs per second.
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self._load(uplinks)

    def _load(self, uplinks: list[str]) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key='next_seq'").fetchone()
        top = self.db.execute("SELECT MAX(seq), MIN(seq) FROM records").fetchone()
        # next_seq is persisted separately because SQLite may reuse rowids once the
        # newest rows are deleted; sequence numbers must never go back.
        self.next_seq = max(row[0] if row else 1, (top[0] or 0) + 1)
        self.min_seq = top[1] if top[1] is not None else self.next_seq
        with self._tx():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('next_seq', ?)", (self.next_seq,))
            if self.db.execute("SELECT 1 FROM meta WHERE key='drops_v2'").fetchone() is None:
                # Journals written before exact drop counting charged drops to
                # dropped_total when cutting; now the column only holds reported drops.
                self.db.execute("UPDATE cursors SET dropped_total ="
                                " MAX(0, dropped_total - dropped_pending)")
                self.db.execute("INSERT INTO meta VALUES ('drops_v2', 1)")
        self.sync_uplinks(uplinks, prune=True)

    def sync_uplinks(self, uplinks: list[str], prune: bool) -> None:
        """Add cursors for new uplinks; with `prune`, delete those of removed ones.

        A remote config on trial adds without pruning: if it is rolled back, the
        old uplinks must still have their cursors (and their rows).
        """
        with self._tx():
            known = {r[0] for r in self.db.execute("SELECT uplink FROM cursors")}
            for name in uplinks:
                if name not in known:
                    self.db.execute("INSERT INTO cursors VALUES (?, ?, 0, 0)",
                                    (name, self.min_seq - 1))
            for name in (known - set(uplinks)) if prune else ():
                self.db.execute("DELETE FROM cursors WHERE uplink=?", (name,))
            self._compact()

    def _tx(self) -> _Tx:
        return _Tx(self.db)

    def append(self, records: list[Record]) -> tuple[int, int]:
        """Journal records durably; return the (first, last) sequence numbers."""
        if not records:
            return (self.next_seq, self.next_seq - 1)
        first = self.next_seq
        rows = [(first + i, *rec) for i, rec in enumerate(records)]
        with self._tx():
            self.db.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?)", rows)
            self.next_seq = first + len(rows)
            self.db.execute("UPDATE meta SET value=? WHERE key='next_seq'", (self.next_seq,))
            self._trim()
        return first, self.next_seq - 1

    def _trim(self) -> None:
        """Drop the oldest rows beyond the bound. Cursors are left where they are.

        What an uplink lost is the gap between its cursor and the first row it
        still gets (`dropped_before`); counting it there rather than here keeps a
        batch already in flight authoritative: rows cut from it while it is sent
        count as dropped only if that send is not acknowledged.
        """
        if self.next_seq - self.min_seq <= self.max_records:
            return
        new_min = self.next_seq - self.max_records
        self.db.execute("DELETE FROM records WHERE seq < ?", (new_min,))
        self.min_seq = new_min

    def fetch(self, uplink: str, limit: int) -> list[Row]:
        """The next records an uplink has not had acknowledged, in sequence order."""
        cursor = self.cursor(uplink)
        rows = self.db.execute("SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                               (cursor, limit)).fetchall()
        return [Row(*r) for r in rows]

    def cursor(self, uplink: str) -> int:
        return self.db.execute("SELECT acked_seq FROM cursors WHERE uplink=?",
                               (uplink,)).fetchone()[0]

    def dropped_before(self, uplink: str, first_seq: int) -> int:
        """How many records this uplink lost before `first_seq` and has not reported.

        `first_seq` is the first row of the batch about to be sent: every number
        between the cursor and it was cut unsent (rows are contiguous), plus drops
        the cursor already moved past (a quarantined batch's report).
        """
        acked, pending = self.db.execute(
            "SELECT acked_seq, dropped_pending FROM cursors WHERE uplink=?", (uplink,)).fetchone()
        return pending + max(0, first_seq - 1 - acked)

    def dropped_pending(self, uplink: str) -> int:
        """Rows cut that this uplink has not had acknowledged, nor reported yet."""
        return self.dropped_before(uplink, self.min_seq)

    def ack(self, uplink: str, last_seq: int, dropped_reported: int = 0,
            first_seq: int | None = None) -> None:
        """Advance a cursor after the receiver confirmed durable storage.

        `first_seq`..`last_seq` is the acknowledged batch and `dropped_reported` the
        count it carried (`dropped_before(uplink, first_seq)` when it was built).
        Rows cut from the batch while it was in flight arrived: they are not drops.
        """
        acked, pending = self.db.execute(
            "SELECT acked_seq, dropped_pending FROM cursors WHERE uplink=?", (uplink,)).fetchone()
        if first_seq is None:
            first_seq = max(acked + 1, self.min_seq)
        gap = max(0, min(first_seq, last_seq + 1) - 1 - acked)
        with self._tx():
            self.db.execute(
                "UPDATE cursors SET acked_seq = MAX(acked_seq, ?), dropped_pending = ?,"
                " dropped_total = dropped_total + ? WHERE uplink=?",
                (last_seq, max(0, pending + gap - dropped_reported),
                 min(dropped_reported, pending + gap), uplink))
            self._compact()

    def _compact(self) -> None:
        """Delete rows every uplink has acknowledged; they are no longer needed."""
        low = self.db.execute("SELECT MIN(acked_seq) FROM cursors").fetchone()[0]
        if low is not None and low >= self.min_seq:
            self.db.execute("DELETE FROM records WHERE seq <= ?", (low,))
            self.min_seq = low + 1

    def quarantine(self, uplink: str, rows: list[Row], reason: str, body: str | None) -> None:
        """Set a permanently rejected batch aside and move the cursor past it."""
        with self._tx():
            self.db.execute(
                "INSERT INTO quarantine (uplink, first_seq, last_seq, reason, ts, body)"
                " VALUES (?,?,?,?,?,?)", (uplink, rows[0].seq, rows[-1].seq, reason, time.time(),
                                          body))
        # The gap before the batch stays pending: the next batch reports it.
        self.ack(uplink, rows[-1].seq, 0, first_seq=rows[0].seq)

    def stats(self) -> dict:
        """Depth per uplink, drop counters and quarantine size, for heartbeat and status."""
        cursors = self.db.execute("SELECT uplink, acked_seq, dropped_pending, dropped_total"
                                  " FROM cursors").fetchall()
        quarantined = self.db.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
        return {
            "last_seq": self.next_seq - 1,
            "records": self.next_seq - self.min_seq,
            "max_records": self.max_records,
            "quarantined_batches": quarantined,
            "uplinks": _uplink_stats(cursors, self.min_seq, self.next_seq),
        }

    def close(self) -> None:
        self.db.close()
        os.close(self._lock)


class _Tx:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _acquire_lock(path: Path) -> int:
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise JournalLocked(f"{path} is in use by another agent process") from None
    return fd


def read_stats(path: str | Path) -> dict:
    """Read journal statistics without taking the writer lock (for `status`)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            row = db.execute("SELECT value FROM meta WHERE key='next_seq'").fetchone()
        except sqlite3.OperationalError:
            row = None
        if row is None:  # the agent is still creating the journal
            return {"last_seq": 0, "records": 0, "quarantined_batches": 0, "uplinks": {}}
        nxt = row[0]
        low = db.execute("SELECT MIN(seq) FROM records").fetchone()[0] or nxt
        cursors = db.execute("SELECT uplink, acked_seq, dropped_pending, dropped_total"
                             " FROM cursors").fetchall()
        quarantined = db.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
    finally:
        db.close()
    return {"last_seq": nxt - 1, "records": nxt - low, "quarantined_batches": quarantined,
            "uplinks": _uplink_stats(cursors, low, nxt)}


def _uplink_stats(cursors: list[tuple], min_seq: int, next_seq: int) -> dict:
    """Per uplink: still to deliver (`depth`), cut but not yet reported, all drops.

    A cursor behind the oldest kept row lost the rows in between (cut unsent, or
    cut from the batch in flight: if that batch is acknowledged they were not lost
    after all, and the counts here shrink accordingly).
    """
    out = {}
    for uplink, acked, pending, total in cursors:
        cut = max(0, min_seq - 1 - acked)
        out[uplink] = {"acked_seq": acked, "depth": next_seq - 1 - max(acked, min_seq - 1),
                       "dropped_pending": pending + cut, "dropped_total": total + cut}
    return out
