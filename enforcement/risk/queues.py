"""Header work queue (geo.queues, shown on the workbench too) of risk grading: for an
enterprise user, its enterprise while it has identified no risk point (待辨识风险点)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from enforcement.risk import selectors
from geo import authority
from geo.models import User
from geo.queues import work_queue
from geo.scope import scope_for_user_id


@work_queue(45, gettext_lazy("待辨识风险点"), key="risk_unidentified",
            url=reverse_lazy("risk:unidentified"))
def risk_unidentified(user: User) -> QuerySet | None:
    return authority.owned_rows(
        user, selectors.enterprises_without_points(scope_for_user_id(user.pk)))
