"""The hub's panel of the large screen (geo.panels): enterprises by risk colour."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from layers.base import FOUR_COLOURS
from registry.enterprises.models import RiskLevel
from registry.enterprises.selectors import enterprise_figures

SHORT = {1: _("重大风险"), 2: _("较大风险"), 3: _("一般风险"), 4: _("低风险")}


@screen_panel(10, _("企业"), key="enterprises", layer="enterprises")
def enterprises_by_risk(scope: Scope) -> list[Figure]:
    counts = enterprise_figures(scope=scope)
    return [Figure(_("企业总数"), counts["total"], key="total"),
            *(Figure(SHORT[level], counts[f"risk_{level}"], colour=FOUR_COLOURS[level],
                     key=f"r{level}")
              for level in RiskLevel.values)]
