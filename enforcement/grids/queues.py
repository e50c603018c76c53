"""Header work queues (geo.queues, the workbench's to-dos) of the grids: enterprises
assigned to a grid person's cells awaiting 确权, and disputes awaiting the county."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from enforcement.grids.selectors import assignments_disputed, assignments_to_confirm
from geo.models import User
from geo.queues import work_queue

LIST = reverse_lazy("grids:assignments")


@work_queue(55, gettext_lazy("企业待确权"), key="grid_claims",
            url=format_lazy("{}#pending", LIST))
def claims_to_confirm(user: User) -> QuerySet | None:
    return assignments_to_confirm(user=user)


@work_queue(56, gettext_lazy("确权异议待裁定"), key="grid_disputes",
            url=format_lazy("{}#disputed", LIST))
def disputes_to_decide(user: User) -> QuerySet | None:
    return assignments_disputed(user=user)
