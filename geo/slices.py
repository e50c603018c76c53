"""Slices of our apps (ARCHITECTURE.md "Modules and slices"): how a contribution registers
without its receiver importing the giver.

A receiver (the one-enterprise file's sections, later the workbench) keeps a registry and
calls `slice_modules_import("sections")` once; every slice that has such a module registers
itself at import time.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings


def slice_modules_import(name: str) -> list[str]:
    """Import `<app>.<slice>.<name>` for every slice package of every local app
    (`settings.SLICE_DIRS`, from `settings.LOCAL_APPS`) that has a `<name>.py`, in path order;
    returns the dotted names. An error inside such a module raises."""
    dotted = [f"{path.parent.name}.{path.name}.{name}" for path in settings.SLICE_DIRS
              if (path / f"{name}.py").is_file()]
    for module in dotted:
        import_module(module)
    return dotted
