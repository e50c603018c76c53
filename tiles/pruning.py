"""Pruning the file cache: a tile's files of older versions are never served again.

A tile's files lie side by side (`layers/scope/z/x/y.<versions>.<suffix>`, see
`TileKey.path`); a suffix other than the current formats' is an older format. Versions
only grow, so the highest is the current one (or newer than a lagging process knows);
every other file of that tile is orphaned. Deleting a cache file is always safe: at
worst the next request renders it again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from tiles.cache import MVT_SUFFIX, PNG_SUFFIX

TMP_SECONDS = 3600  # a writer's temporary file older than this was left by a crash


def cache_prune(directory: Path, *, now: float | None = None) -> int:
    """Delete orphaned tile files under `directory` (and folders left empty); returns
    how many files went."""
    now = time.time() if now is None else now
    removed = 0
    for folder, _subfolders, names in os.walk(directory, topdown=False):
        removed += _prune_folder(folder, names, now)
        if folder != str(directory):
            _quietly(os.rmdir, folder)  # only succeeds when empty
    return removed


def _prune_folder(folder: str, names: list[str], now: float) -> int:
    latest: dict[tuple[str, str], tuple[tuple[int, ...], str]] = {}
    doomed: list[str] = []
    for name in names:
        if name.endswith(".tmp"):
            if now - _mtime(os.path.join(folder, name)) > TMP_SECONDS:
                doomed.append(name)
            continue
        tile, versions, suffix = _parts(name)
        if versions is None or suffix not in (MVT_SUFFIX, PNG_SUFFIX):
            doomed.append(name)  # the layout before ADR 0019, or an older tile format
            continue
        kept = latest.get((tile, suffix))
        if kept is None or versions > kept[0]:
            if kept is not None:
                doomed.append(kept[1])
            latest[(tile, suffix)] = (versions, name)
        else:
            doomed.append(name)
    return sum(_quietly(os.unlink, os.path.join(folder, name)) for name in doomed)


def _parts(name: str) -> tuple[str, tuple[int, ...] | None, str]:
    tile, _, rest = name.partition(".")
    versions, _, suffix = rest.partition(".")
    try:
        return tile, tuple(int(v) for v in versions.split("-")), suffix
    except ValueError:
        return tile, None, rest


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _quietly(fn, path: str) -> bool:
    """Another process may prune or write the same folder: losing a race is fine."""
    try:
        fn(path)
        return True
    except OSError:
        return False
