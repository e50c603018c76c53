"""Header work queues (geo.queues) of major hazard source filing (重大危险源备案): the
supervisor's submitted filings, the enterprise's returned ones."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from registry.hazards.selectors import hazard_filings_awaiting, hazard_filings_returned

LIST = reverse_lazy("hazards:list")


@work_queue(20, gettext_lazy("危险源待备案"), key="hazard_filings",
            url=format_lazy("{}?state=submitted", LIST))
def filings_to_decide(user: User) -> QuerySet | None:
    return hazard_filings_awaiting(user=user)


@work_queue(40, gettext_lazy("危险源被退回"), key="hazard_returned",
            url=format_lazy("{}?state=returned", LIST))
def filings_returned(user: User) -> QuerySet | None:
    return hazard_filings_returned(user=user)
