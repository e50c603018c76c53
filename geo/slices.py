"""Slices of our apps (ARCHITECTURE.md "Modules and slices"): how a contribution registers
without its receiver importing the giver.

A receiver (the one-enterprise file's sections, the header's work queues, later the
workbench) keeps a `SliceRegistry`; on first read it calls `slice_modules_import(name)`, and
every slice that has such a module registers itself at import time.
"""

from __future__ import annotations

import copy
from importlib import import_module
from typing import Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


def slice_modules_import(name: str) -> list[str]:
    """Import `<app>.<slice>.<name>` for every slice package of every local app
    (`settings.SLICE_DIRS`, from `settings.LOCAL_APPS`) that has a `<name>.py`, in path order;
    returns the dotted names. An error inside such a module raises."""
    dotted = [f"{path.parent.name}.{path.name}.{name}" for path in settings.SLICE_DIRS
              if (path / f"{name}.py").is_file()]
    for module in dotted:
        import_module(module)
    return dotted


class SliceRegistry(Generic[T]):
    """What slices contribute to one receiver from their own `<module>.py`: keyed, each key
    once, every slice's module imported on the first read."""

    def __init__(self, module: str, what: str) -> None:
        self.module, self.what = module, what  # what: the contribution, for the error
        self._items: dict[str, T] = {}
        self._discovered = False

    def add(self, key: str, item: T) -> None:
        if key in self._items:
            raise ImproperlyConfigured(f"{self.what} {key!r} is registered twice")
        self._items[key] = item

    def all(self) -> list[T]:
        """Every contribution, in registration order (discovered once, on first use)."""
        if not self._discovered:
            slice_modules_import(self.module)
            self._discovered = True
        return list(self._items.values())

    def copy(self) -> SliceRegistry[T]:
        """An independent registry with the same contributions (tests add to it)."""
        other = copy.copy(self)
        other._items = dict(self._items)
        return other
