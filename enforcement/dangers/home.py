"""The workbench (geo.home) of hidden dangers (隐患): a shortcut to the list. The to-dos are
the header's work queues (`queues.py`: counted in the header's one query); no block of
figures, so the workbench keeps its pinned query budget (tests/geo/test_home.py) — the
figures are on the list page (`selectors.danger_state_counts`)."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.home import HomeAsk, home_shortcut
from geo.scope import PUBLIC


def _sees_dangers(ask: HomeAsk) -> bool:
    return ask.scope is not PUBLIC


home_shortcut(40, gettext_lazy("隐患排查治理"), key="dangers", url=reverse_lazy("dangers:list"),
              shows=_sees_dangers)
home_shortcut(41, gettext_lazy("隐患排查任务"), key="danger_checks",
              url=reverse_lazy("dangers:checks"), shows=_sees_dangers)
