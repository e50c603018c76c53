"""The workbench block (geo.home) of licences: expired and expiring counts in scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.home import Figure, HomeAsk, Panel, home_block
from geo.scope import PUBLIC
from registry.licences.selectors import licence_figures


@home_block(40, gettext_lazy("证照预警"), key="licences", shared=True)
def licences(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    counts = licence_figures(scope=ask.scope, today=ask.today)
    url = reverse("licence_warnings")
    return Panel(figures=[
        Figure(_("已过期"), counts["expired"], f"{url}?stage=expired", "red"),
        Figure(_("30天内到期"), counts["days_30"], f"{url}?stage=30", "orange"),
        Figure(_("90天内到期"), counts["days_90"], f"{url}?stage=90", "yellow")],
        more_url=url)
