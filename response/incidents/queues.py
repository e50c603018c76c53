"""Header work queues (geo.queues; the workbench lists them as to-dos) of incident
reporting: incidents reported up to the user's level awaiting receipt (事件待接收), and
those the user's level holds and must still report up (事件待上报)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from response.incidents import selectors


@work_queue(1, gettext_lazy("事件待接收"), key="incidents_receive",
            url=reverse_lazy("incidents:incidents") + "?todo=receive")
def incidents_receive(user: User) -> QuerySet | None:
    return selectors.incidents_to_receive(user=user)


@work_queue(2, gettext_lazy("事件待上报"), key="incidents_report",
            url=reverse_lazy("incidents:incidents") + "?todo=report")
def incidents_report(user: User) -> QuerySet | None:
    return selectors.incidents_to_report(user=user)
