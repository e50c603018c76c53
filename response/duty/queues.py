"""Header work queue (geo.queues) of duty: swaps waiting for a roster leader's decision
(换班待审批). Links to the duty page, which lists each roster's swaps."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from response.duty import selectors


@work_queue(9, gettext_lazy("换班待审批"), key="duty_swaps", url=reverse_lazy("duty:rosters"))
def duty_swaps(user: User) -> QuerySet | None:
    return selectors.swaps_to_decide(user=user)
