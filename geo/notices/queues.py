"""Header work queues (geo.queues) of notices: those to review (a supervisor over their
area), and those addressed to the user not yet read (待阅)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.notices import selectors
from geo.queues import work_queue

LIST = reverse_lazy("notices:list")


@work_queue(3, gettext_lazy("通知待阅"), key="notices_unread",
            url=format_lazy("{}?show=unread", LIST))
def notices_unread(user: User) -> QuerySet | None:
    return selectors.notices_unread(user=user)


@work_queue(60, gettext_lazy("通知待审核"), key="notices_review",
            url=format_lazy("{}?show=review", LIST))
def notices_to_review(user: User) -> QuerySet | None:
    return selectors.notices_to_review(user=user)
