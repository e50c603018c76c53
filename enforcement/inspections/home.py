"""The workbench (geo.home) of law enforcement: inspections of the area by state, and the
shortcuts to the plans, draws, inspections and the item list, for government users."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy

from enforcement.inspections.models import InspectionState
from enforcement.inspections.selectors import inspection_counts
from geo.home import Figure, HomeAsk, Panel, home_block, home_shortcut


def _government(ask: HomeAsk) -> bool:
    return ask.scope.everything or ask.scope.prefix is not None


@home_block(45, gettext_lazy("现场检查"), key="inspections", shared=True)
def inspections(ask: HomeAsk) -> Panel | None:
    if not _government(ask):
        return None
    counts = inspection_counts(scope=ask.scope)
    url = reverse("inspections:inspections")
    return Panel(figures=[Figure(str(label), counts[state], f"{url}?state={state}")
                          for state, label in InspectionState.choices], more_url=url)


for order, label, key, name in (
        (50, gettext_lazy("执法计划"), "enforcement_plans", "inspections:plans"),
        (51, gettext_lazy("双随机抽查"), "enforcement_draws", "inspections:draws"),
        (52, gettext_lazy("现场检查"), "enforcement_inspections", "inspections:inspections"),
        (53, gettext_lazy("检查事项清单"), "enforcement_items", "library:items")):
    home_shortcut(order, label, key=key, url=reverse_lazy(name), shows=_government)
