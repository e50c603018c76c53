"""Header work queues (geo.queues) of emergency plan filing (应急预案备案): plans submitted
for the supervisor to file, plans returned to their owner."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from registry.plans.selectors import plan_filings_awaiting, plan_filings_returned

LIST = reverse_lazy("plans:list")


@work_queue(30, gettext_lazy("预案待备案"), key="plan_filings",
            url=format_lazy("{}?state=submitted", LIST))
def filings_to_decide(user: User) -> QuerySet | None:
    return plan_filings_awaiting(user=user)


@work_queue(50, gettext_lazy("预案被退回"), key="plan_returned",
            url=format_lazy("{}?state=returned", LIST))
def filings_returned(user: User) -> QuerySet | None:
    return plan_filings_returned(user=user)
