"""Header work queue (geo.queues) of licences: the expired ones (证照已过期) — to renew for
their enterprise, to follow up for the supervisor over them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from registry.licences.selectors import licences_expired


@work_queue(15, gettext_lazy("证照已过期"), key="licences_expired",
            url=format_lazy("{}?stage=expired", reverse_lazy("licence_warnings")))
def expired(user: User) -> QuerySet | None:
    return licences_expired(user=user, today=timezone.localdate())
