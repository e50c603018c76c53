"""The hazards slice's panel of the large screen (geo.panels): major hazard sources
(重大危险源) by GB 18218 level."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from layers.base import FOUR_COLOURS
from registry.hazards.models import HazardLevel
from registry.hazards.selectors import hazard_major_level_counts


@screen_panel(20, _("重大危险源"), key="hazards", layer="hazard_sources")
def hazards_by_level(scope: Scope) -> list[Figure]:
    counts = hazard_major_level_counts(scope=scope)
    return [Figure(_("总数"), sum(counts.values()), key="total"),
            *(Figure(HazardLevel(level).label, counts[level], colour=FOUR_COLOURS[level],
                     key=f"l{level}") for level in HazardLevel.values)]
