"""The incidents slice's panel of the large screen (geo.panels): the open incidents (未结束
突发事件) by level, 特别重大 red … 一般 blue; one query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from layers.base import FOUR_COLOURS
from response.incidents.classification import Level
from response.incidents.selectors import incident_open_level_counts


@screen_panel(45, _("未结束突发事件"), key="incidents", layer="incidents")
def incidents_open(scope: Scope) -> list[Figure]:
    counts = incident_open_level_counts(scope=scope)
    return [Figure(label, counts.get(level, 0), colour=FOUR_COLOURS[level], key=f"l{level}")
            for level, label in Level.choices]


