"""The workbench block (geo.home) of hidden dangers (隐患): open major and general ones,
those awaiting acceptance and the overdue, in one query; shared per scope (cached). The
to-dos are the header's work queues (`queues.py`)."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.dangers.selectors import danger_state_counts
from geo.home import Figure, HomeAsk, Panel, home_block, home_shortcut
from geo.scope import PUBLIC


@home_block(40, gettext_lazy("隐患排查治理"), key="dangers", shared=True)
def dangers(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    counts = danger_state_counts(scope=ask.scope, today=ask.today)
    url = reverse("dangers:list")
    return Panel(figures=[
        Figure(_("重大隐患（未验收）"), counts["major_open"], f"{url}?level=major&state=open",
               "red"),
        Figure(_("整改中"), counts["rectifying"], f"{url}?state=rectifying", "orange"),
        Figure(_("待验收"), counts["awaiting"], f"{url}?state=awaiting", "yellow"),
        Figure(_("已逾期"), counts["overdue"], f"{url}?overdue=1", "red"),
        Figure(_("已销号"), counts["closed"], f"{url}?state=closed", "blue")], more_url=url)


home_shortcut(40, gettext_lazy("隐患排查治理"), key="dangers", url=reverse_lazy("dangers:list"),
              shows=lambda ask: ask.scope is not PUBLIC)
