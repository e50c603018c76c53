"""Header work queue (geo.queues) of the daily commitment: for an enterprise user, its
enterprise while today's card is not filed (今日待承诺). Links to the filing page."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.queues import work_queue
from monitoring.commitments import selectors


@work_queue(4, gettext_lazy("今日待承诺"), key="commitment_today",
            url=reverse_lazy("commitments:commitments"))
def commitment_today(user: User) -> QuerySet | None:
    return selectors.enterprises_to_commit(user=user, day=timezone.localdate())
