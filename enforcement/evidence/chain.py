"""The evidence chain's hash and its walk. An entry's hash is SHA-256 of the previous
entry's hash and the canonical JSON of its metadata (which holds the file's SHA-256)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from enforcement.evidence.models import EvidenceEntry

GENESIS = "0" * 64  # the "previous hash" of the first entry


def entry_metadata(entry: EvidenceEntry) -> dict:
    point = entry.location
    return {
        "seq": entry.seq, "kind": entry.kind,
        "source": f"{entry.source_type.app_label}.{entry.source_type.model}:{entry.source_id}",
        "division_code": entry.division_code, "file": entry.file.name, "name": entry.name,
        "media_type": entry.media_type, "size": entry.size, "sha256": entry.sha256,
        "taken_at": _utc(entry.taken_at) if entry.taken_at else None,
        "lon": point.x if point else None, "lat": point.y if point else None,
        "accuracy": entry.accuracy, "note": entry.note,
        "recorded_at": _utc(entry.recorded_at), "recorded_by": entry.recorded_by_id,
    }


def _utc(moment: datetime.datetime) -> str:
    # in UTC, as the database gives it back: the same instant always hashes the same
    return moment.astimezone(datetime.UTC).isoformat()


def entry_hash(entry: EvidenceEntry, prev_hash: str) -> str:
    canonical = json.dumps(entry_metadata(entry), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def file_sha256(field) -> str | None:
    """The stored file's SHA-256, or None when the file is gone."""
    digest = hashlib.sha256()
    try:
        with field.storage.open(field.name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainReport:
    entries: int               # entries walked before the first bad one (all when intact)
    head: str                  # the last good entry's hash (record it elsewhere to anchor)
    bad_seq: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.bad_seq is None
