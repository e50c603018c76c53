"""Header work queue (geo.queues) of on-site inspections: an inspector's inspections to
record, to order or close, and those due for re-inspection (复查)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from enforcement.inspections.selectors import inspections_waiting
from geo.models import User
from geo.queues import work_queue


@work_queue(50, gettext_lazy("我的待办检查"), key="inspections_waiting",
            url=format_lazy("{}?mine=1", reverse_lazy("inspections:inspections")))
def inspections_to_do(user: User) -> QuerySet | None:
    return inspections_waiting(user=user, today=timezone.localdate())
