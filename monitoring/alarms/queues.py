"""Header work queues (geo.queues) of alarms: for the enterprise, alarms to sign for and
to handle; for the supervisor over them, handled alarms awaiting release (待确认解除) and
suppressions to decide. Each links to the list that shows exactly its rows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from monitoring.alarms import selectors

ALARMS = reverse_lazy("alarms:alarms")


@work_queue(5, gettext_lazy("报警待签收"), key="alarms_acknowledge",
            url=format_lazy("{}?status=raised&status=pushed", ALARMS))
def alarms_to_acknowledge(user: User) -> QuerySet | None:
    return selectors.alarms_to_acknowledge(user=user)


@work_queue(6, gettext_lazy("报警待处置"), key="alarms_handle",
            url=format_lazy("{}?status=acknowledged&status=returned", ALARMS))
def alarms_to_handle(user: User) -> QuerySet | None:
    return selectors.alarms_to_handle(user=user)


@work_queue(7, gettext_lazy("报警待确认解除"), key="alarms_release",
            url=format_lazy("{}?status=handled", ALARMS))
def alarms_awaiting_release(user: User) -> QuerySet | None:
    return selectors.alarms_awaiting_release(user=user)


@work_queue(8, gettext_lazy("报警屏蔽待审批"), key="suppressions_decide",
            url=format_lazy("{}?state=submitted", reverse_lazy("alarms:suppressions")))
def suppressions_to_decide(user: User) -> QuerySet | None:
    return selectors.suppressions_to_decide(user=user)
