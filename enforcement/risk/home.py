"""The workbench block (geo.home) of risk grading: risk points by the four levels in the
caller's scope (an enterprise: its own), and the shortcut to the risk pages."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.risk.methods import Level
from enforcement.risk.selectors import level_counts
from geo.home import Figure, HomeAsk, Panel, home_block, home_shortcut
from geo.scope import PUBLIC

TONES = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}


@home_block(17, gettext_lazy("风险分级管控"), key="risk_points", shared=True)
def risk_points(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    counts = level_counts(scope=ask.scope)
    url = reverse("risk:list")
    return Panel(figures=[Figure(_("风险点"), sum(counts.values()), url)] + [
        Figure(str(label), counts.get(level, 0), f"{url}?level={level}", TONES[level])
        for level, label in Level.choices] + [Figure(_("未评价"), counts.get(None, 0), url)],
        more_url=url)


home_shortcut(22, gettext_lazy("风险分级管控"), key="risk", url=reverse_lazy("risk:list"),
              shows=lambda ask: ask.scope is not PUBLIC)
