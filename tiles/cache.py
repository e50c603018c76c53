"""Tile cache: a bounded in-process LRU in front of a file cache shared by processes.

Keys carry the data versions of the tile's cells (ADR 0019), so entries are never
invalidated, only left behind: a write bumps the versions of its cells and the next
request for a tile over them computes a new key; `tiles.pruning` deletes what is left. Bodies are
stored gzip-compressed; an empty body means "no features" (served as 204).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

GZIP_LEVEL = 1  # measured: 2-3x faster than level 5 for 1-6 % more bytes
# The vector tiles' file suffix carries their format: a change of what a tile holds for
# the same data (v2: polygon layers' label points) is a new name, and `tiles.pruning`
# deletes files of any other suffix.
MVT_SUFFIX = "v2.mvt.gz"
PNG_SUFFIX = "png"


@dataclass(frozen=True)
class TileKey:
    layer_ids: tuple[str, ...]
    versions: tuple[int, ...]
    scope_key: str
    z: int
    x: int
    y: int
    suffix: str = MVT_SUFFIX  # PNG_SUFFIX for raster tiles, stored as they are

    def path(self) -> str:
        """`layers/scope/z/x/y.versions.suffix`: the versions differ per tile (ADR 0019),
        so they sit in the file name, and a tile's older files lie beside its current
        one for `tiles.pruning` to find."""
        versions = "-".join(str(v) for v in self.versions)
        return (f"{'+'.join(self.layer_ids)}/{self.scope_key}/"
                f"{self.z}/{self.x}/{self.y}.{versions}.{self.suffix}")


@dataclass(frozen=True)
class TileEntry:
    body: bytes  # gzip-compressed MVT or a PNG, or b"" for an empty tile
    etag: str

    @classmethod
    def from_compressed(cls, body: bytes) -> TileEntry:
        return cls(body, '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"')

    @classmethod
    def from_mvt(cls, mvt: bytes) -> TileEntry:
        return cls.from_compressed(gzip.compress(mvt, GZIP_LEVEL, mtime=0) if mvt else b"")


class TileCache:
    def __init__(self, directory: Path, items: int) -> None:
        self.directory = Path(directory)
        self.items = items
        self._memory: OrderedDict[TileKey, TileEntry] = OrderedDict()
        self._lock = threading.Lock()
        self._folders: set[str] = set()

    def get(self, key: TileKey) -> TileEntry | None:
        with self._lock:
            entry = self._memory.get(key)
            if entry is not None:
                self._memory.move_to_end(key)
                return entry
        try:
            body = (self.directory / key.path()).read_bytes()
        except OSError:
            return None
        entry = TileEntry.from_compressed(body)
        self._remember(key, entry)
        return entry

    def put(self, key: TileKey, entry: TileEntry) -> None:
        self._remember(key, entry)
        target = os.path.join(self.directory, key.path())
        folder = os.path.dirname(target)
        if folder not in self._folders:  # one mkdir per folder, not per tile
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        try:
            _write_atomically(target, entry.body)
        except FileNotFoundError:  # the folder was pruned since we made it
            os.makedirs(folder, exist_ok=True)
            _write_atomically(target, entry.body)

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()

    def _remember(self, key: TileKey, entry: TileEntry) -> None:
        with self._lock:
            self._memory[key] = entry
            self._memory.move_to_end(key)
            while len(self._memory) > self.items:
                self._memory.popitem(last=False)


def _write_atomically(target: str, body: bytes) -> None:
    """Write then rename: another process never reads half a tile. The temporary name
    is unique per process and thread, which is all a writer needs."""
    tmp = f"{target}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(body)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_cache: TileCache | None = None


def tile_cache() -> TileCache:
    """The process's cache, built from settings on first use (see `reset`)."""
    global _cache
    if _cache is None:
        _cache = TileCache(settings.TILE_CACHE_DIR, settings.TILE_MEMORY_ITEMS)
    return _cache


def reset() -> None:
    """Forget the process's cache object so the next use re-reads settings (tests)."""
    global _cache
    _cache = None
