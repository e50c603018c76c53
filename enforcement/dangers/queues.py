"""Header work queues (geo.queues) of hidden dangers: the department's major dangers to
accept and its overdue major ones, the enterprise's dangers waiting for its own step."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from enforcement.dangers.selectors import (
    dangers_overdue_supervised,
    dangers_to_confirm,
    dangers_to_work,
)
from geo.models import User
from geo.queues import work_queue

LIST = reverse_lazy("dangers:list")


@work_queue(25, gettext_lazy("重大隐患待验收"), key="dangers_to_confirm",
            url=format_lazy("{}?level=major&state=awaiting", LIST))
def to_confirm(user: User) -> QuerySet | None:
    return dangers_to_confirm(user=user)


@work_queue(26, gettext_lazy("重大隐患逾期"), key="dangers_overdue",
            url=format_lazy("{}?level=major&overdue=1", LIST))
def overdue(user: User) -> QuerySet | None:
    return dangers_overdue_supervised(user=user)


@work_queue(45, gettext_lazy("隐患待办理"), key="dangers_to_work",
            url=format_lazy("{}?todo=1", LIST))
def to_work(user: User) -> QuerySet | None:
    return dangers_to_work(user=user)
