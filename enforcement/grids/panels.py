"""The grids slice's panel of the large screen (geo.panels): cells, enterprises assigned and
confirmed (确权), the coverage of the last 30 days and today's patrols."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.grids.selectors import grid_screen_counts
from geo.panels import Figure, screen_panel
from geo.scope import Scope

COVERAGE_DAYS = 30


@screen_panel(80, _("责任网格"), key="grids", layer="grid_cells")
def grids_today(scope: Scope) -> list[Figure]:
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = grid_screen_counts(scope=scope, since=today - datetime.timedelta(
        days=COVERAGE_DAYS), today=today)
    coverage = round(100 * counts.visited / counts.assigned) if counts.assigned else None
    return [Figure(_("网格数"), counts.cells, key="cells"),
            Figure(_("划入企业"), counts.assigned, key="assigned"),
            Figure(_("已确权"), counts.confirmed, colour="#3DDC97", key="confirmed"),
            Figure(_("近30日覆盖率"), coverage, unit="%", key="coverage"),
            Figure(_("今日巡查"), counts.patrols, key="patrols")]
