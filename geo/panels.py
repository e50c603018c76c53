"""Panels of the command-centre large screen (大屏) and of any page that shows the figures of
an area: counts that modules contribute by registration, never imported by the receiver
(ARCHITECTURE.md "Modules and slices"). A slice declares its panel in its own
`panels.py`::

    @screen_panel(30, gettext_lazy("在线报警"), key="alarms", layer="alarms")
    def open_alarms(scope: Scope) -> list[Figure]:
        counts = selectors.alarm_open_counts(scope=scope)   # ONE query
        return [Figure(label, counts[level], colour=...) for ...]

The function reads in `scope` (geo.scope, through its slice's selectors) in one query at
most and returns its figures — label, value, colour — or None when it has nothing for
this caller. A panel naming a `layer` is left out for callers who may not see that layer
(the public and oversight scope see no alarms). `chart="bars"` draws the figures as a bar
chart (a trend) instead of a row of numbers.

The registry lives in `geo`, the core, so that domain modules register without importing
the dashboards that render it (dependencies point inward); no Dash here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from geo.scope import Scope
from geo.slices import SliceRegistry


@dataclass(frozen=True)
class Figure:
    """One number of a panel: its label, value (None: not known), colour and unit."""

    label: str | Promise
    value: int | float | str | None
    colour: str = ""   # CSS colour of the number; "" the screen's default
    unit: str = ""
    key: str = ""      # stable name within the panel (the element id's suffix)


Build = Callable[[Scope], list[Figure] | None]


@dataclass(frozen=True)
class Panel:
    order: int
    title: str | Promise
    key: str               # unique; the element id is "panel-<key>"
    build: Build
    layer: str = ""        # shown only to callers who may see this registry layer
    chart: str = "counts"  # "counts" (numbers) or "bars" (a small bar chart)


_panels: SliceRegistry[Panel] = SliceRegistry("panels", "screen panel")


def screen_panel(order: int, title: str | Promise, *, key: str, layer: str = "",
                 chart: str = "counts") -> Callable[[Build], Build]:
    """Register the decorated function as a panel of the large screen."""
    if chart not in ("counts", "bars"):
        raise ValueError(f"screen panel {key!r}: chart must be 'counts' or 'bars'")

    def register(build: Build) -> Build:
        _panels.add(key, Panel(order, title, key, build, layer, chart))
        return build
    return register


def screen_panels() -> list[Panel]:
    """Every registered panel in screen order (discovered once, on first use)."""
    return sorted(_panels.all(), key=lambda p: (p.order, p.key))
