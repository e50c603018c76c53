"""The workbench (工作台): the portal home of each role, built from what the modules register.

The home never imports a module. A slice that has something to show declares it in its own
`home.py`, found through `geo.slices` on first use (as the header's work queues are)::

    @home_block(20, gettext_lazy("最新预警"), key="warnings_recent")
    def recent(ask: HomeAsk) -> Panel | None:
        rows = selectors.warnings_recent(scope=ask.scope, limit=6)
        return Panel(items=[Item(str(w), reverse("alarms:warning", args=[w.pk])) for w in rows])

A block returns a `Panel` (figures, items, bars of a chart, links) or None when it is not
for this user. Each block should cost one query: the home's budget is pinned by a test.
Blocks marked `shared` depend on the scope only, not on the user: their rendered HTML is
cached per scope key and language for `HOME_CACHE_SECONDS` — 2,000 users of one province
share one count and one rendering.

Shortcuts (快捷入口) are registered the same way with `home_shortcut`; the to-dos are the
header's work queues (`geo.queues.header_counts`, one query for all).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

from geo.models import User
from geo.scope import Scope
from geo.slices import SliceRegistry

HOME_CACHE_SECONDS = 30


@dataclass(frozen=True)
class HomeAsk:
    """Who the home is for: the user (anonymous allowed), their scope and the clock."""

    user: User
    scope: Scope
    now: datetime.datetime

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str = ""
    tone: str = ""   # red / orange / yellow / blue (四色), or "" for plain


@dataclass(frozen=True)
class Item:
    text: str
    url: str = ""
    note: str = ""   # a second line: the place, the time
    tone: str = ""
    unread: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    tone: str = ""
    url: str = ""


@dataclass(frozen=True)
class Panel:
    """What one block shows one user (rendered by geo/_home_block.html)."""

    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    chart: str = ""  # the bars' caption
    more_url: str = ""
    empty: str = ""  # what to say when there are no items

    @property
    def bar_top(self) -> int:
        return max((b.value for b in self.bars), default=0) or 1


Build = Callable[[HomeAsk], Panel | None]


@dataclass(frozen=True)
class Block:
    order: int
    title: str | Promise
    key: str          # unique; the block's element id is "block-<key>"
    build: Build
    shared: bool      # the same for every user of a scope: cached per scope
    wide: bool        # spans the page's two columns


@dataclass(frozen=True)
class Shortcut:
    order: int
    label: str | Promise
    key: str          # the link's element id is "home-<key>"
    url: str | Promise
    shows: Callable[[HomeAsk], bool]


_blocks: SliceRegistry[Block] = SliceRegistry("home", "home block")
_shortcuts: SliceRegistry[Shortcut] = SliceRegistry("home", "home shortcut")


def home_block(order: int, title: str | Promise, *, key: str, shared: bool = False,
               wide: bool = False) -> Callable[[Build], Build]:
    """Register the decorated function `(HomeAsk) -> Panel | None` as a home block."""
    def register(build: Build) -> Build:
        _blocks.add(key, Block(order, title, key, build, shared, wide))
        return build
    return register


def home_shortcut(order: int, label: str | Promise, *, key: str, url: str | Promise,
                  shows: Callable[[HomeAsk], bool]) -> None:
    """Register a shortcut on the home of the users for whom `shows(ask)` is true (decide
    from the role and scope: no query)."""
    _shortcuts.add(key, Shortcut(order, label, key, url, shows))


def home_blocks(ask: HomeAsk) -> list[str]:
    """The user's blocks in order, each rendered (`geo/_home_block.html`) once; a shared
    block's HTML is taken from the cache — rendering costs more than its one query."""
    out = []
    for block in sorted(_blocks.all(), key=lambda b: (b.order, b.key)):
        html = _cached(block, ask) if block.shared else _render(block, block.build(ask))
        if html:
            out.append(html)
    return out


def _render(block: Block, panel: Panel | None) -> str:
    if panel is None:
        return ""
    return render_to_string("geo/_home_block.html", {"block": block, "panel": panel})


def home_shortcuts(ask: HomeAsk) -> list[Shortcut]:
    return sorted((s for s in _shortcuts.all() if s.shows(ask)),
                  key=lambda s: (s.order, s.key))


def when(moment: datetime.datetime | None, fmt: str = "Y-m-d H:i") -> str:
    """A time as the user reads it (local time), for an item's note."""
    return formats.date_format(timezone.localtime(moment), fmt) if moment else ""


def _cached(block: Block, ask: HomeAsk) -> str:
    key = f"home:{block.key}:{ask.scope.key}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        html = _render(block, block.build(ask))  # "" when not for this scope: cached too
        cache.set(key, html, HOME_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our template, escaped there
