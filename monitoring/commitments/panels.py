"""The commitments slice's panel of the large screen (geo.panels): today's safety
commitments (安全承诺) of the obliged enterprises by status."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from monitoring.commitments.deadline import Status, local_day
from monitoring.commitments.selectors import commitment_day_counts

COLOURS = {Status.REPORTED: "#3DDC97", Status.LATE: "#FF8C00", Status.MISSING: "#FF5A5F",
           Status.PENDING: "#9FB3C8"}


@screen_panel(60, _("今日承诺"), key="commitments", layer="enterprises")
def commitments_today(scope: Scope) -> list[Figure]:
    now = timezone.now()
    counts = commitment_day_counts(scope=scope, day=local_day(now), now=now)
    return [Figure(status.label, counts[status.value], colour=colour, key=status.value)
            for status, colour in COLOURS.items()]
