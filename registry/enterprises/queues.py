"""The hub's header work queue (geo.queues): file edits waiting for a supervisor's review."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from registry.enterprises.selectors import enterprise_edits_awaiting


@work_queue(10, gettext_lazy("档案待审"), key="enterprise_edits",
            url=reverse_lazy("enterprise_review_list"))
def edits_to_review(user: User) -> QuerySet | None:
    return enterprise_edits_awaiting(user=user)
