"""Sections of the one-enterprise file page (一企一档) that other slices contribute.

The hub never imports who contributes to it. A slice that shows on the page declares, in its
own `sections.py`::

    @enterprise_section(10, _("证照"), anchor="licences",
                        template="registry/licences/_enterprise_section.html")
    def licences_section(file: FileRequest) -> Contribution | None: ...

The detail page lists the sections in `order` after the hub's own parts (in its table of
contents too), renders each with its template and the contribution's context, and draws
every contribution's shapes, dots and tile overlays on its one site map. A section that
returns None is left out. `geo.slices` imports every slice's `sections.py` on first use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from geo.models import User
from geo.scope import Scope
from geo.slices import SliceRegistry
from layers.maps import Dot, Shape, TileOverlay
from registry.enterprises.models import Enterprise


@dataclass(frozen=True)
class FileRequest:
    """Who reads which enterprise's file, in which scope, on which day."""

    scope: Scope
    user: User
    enterprise: Enterprise
    today: datetime.date


@dataclass(frozen=True)
class Contribution:
    """A section's part of the page: its template's context and its site-map overlays."""

    context: dict[str, Any]
    shapes: list[Shape] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    tiles: list[TileOverlay] = field(default_factory=list)


Build = Callable[[FileRequest], Contribution | None]


@dataclass(frozen=True)
class Section:
    order: int
    title: str | Promise  # the table of contents' label
    anchor: str           # the element id of the section, unique on the page
    template: str
    build: Build


_sections: SliceRegistry[Section] = SliceRegistry("sections", "enterprise section")


def enterprise_section(order: int, title: str | Promise, *, anchor: str,
                       template: str) -> Callable[[Build], Build]:
    """Register the decorated function as a section of the one-enterprise file page."""
    def register(build: Build) -> Build:
        _sections.add(anchor, Section(order, title, anchor, template, build))
        return build
    return register


def enterprise_sections() -> list[Section]:
    """Every registered section in page order (discovered once, on first use)."""
    return sorted(_sections.all(), key=lambda s: (s.order, s.anchor))


def sections_build(file: FileRequest) -> list[tuple[Section, Contribution]]:
    """The sections with something to show for `file`, in page order."""
    built = ((section, section.build(file)) for section in enterprise_sections())
    return [(section, contribution) for section, contribution in built
            if contribution is not None]
