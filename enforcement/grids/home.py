"""Workbench shortcuts (geo.home) of the grids: the grid pages for government users, patrols
for grid members, the enterprise's own grid for enterprises. The to-dos are the work
queues (queues.py)."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.home import HomeAsk, home_shortcut
from geo.models import Role
from geo.scope import OWNER_ROLES, PUBLIC


def _government(ask: HomeAsk) -> bool:
    return ask.scope is not PUBLIC and ask.user.role not in OWNER_ROLES


home_shortcut(40, gettext_lazy("责任网格"), key="grids", url=reverse_lazy("grids:index"),
              shows=_government)
home_shortcut(41, gettext_lazy("网格巡查"), key="grid_patrols",
              url=reverse_lazy("grids:patrols"),
              shows=lambda ask: ask.user.is_authenticated and ask.user.role == Role.GRID)
home_shortcut(42, gettext_lazy("企业网格"), key="grid_zones", url=reverse_lazy("grids:zones"),
              shows=lambda ask: ask.user.is_authenticated and ask.user.role == Role.ENTERPRISE)
