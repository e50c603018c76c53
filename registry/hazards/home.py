"""The workbench block (geo.home) of major hazard sources (重大危险源): counts by level."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.home import Figure, HomeAsk, Panel, home_block, home_shortcut
from geo.scope import PUBLIC
from registry.hazards.models import HazardLevel
from registry.hazards.selectors import hazard_level_counts

TONES = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}


@home_block(15, gettext_lazy("重大危险源"), key="hazards", shared=True)
def hazards(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    counts = hazard_level_counts(scope=ask.scope)
    url = reverse("hazards:list")
    return Panel(
        figures=[Figure(_("合计"), sum(counts.values()), url)] + [
            Figure(str(label), counts.get(level, 0), f"{url}?level={level}", TONES[level])
            for level, label in HazardLevel.choices],
        more_url=url)



home_shortcut(20, gettext_lazy("重大危险源"), key="hazards", url=reverse_lazy("hazards:list"),
              shows=lambda ask: ask.scope is not PUBLIC)
