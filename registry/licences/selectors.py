"""Reads of licences (证照): expiry warnings at 90, 30 and 7 days."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from geo import authority
from geo.models import User
from geo.places import owned_filter
from geo.scope import Scope
from registry.enterprises.models import Enterprise
from registry.licences.models import Licence

# Days left at or below which a stage applies, tightest first: the first match wins.
STAGE_DAYS = (7, 30, 90)


class ExpiryStage(models.TextChoices):
    EXPIRED = "expired", _("已过期")
    DAYS_7 = "7", _("7天内到期")
    DAYS_30 = "30", _("30天内到期")
    DAYS_90 = "90", _("90天内到期")


def licences_scoped(*, scope: Scope) -> QuerySet[Licence]:
    """The licences the caller may see."""
    return owned_filter(Licence.objects.select_related("enterprise"), scope)


def licences_expiring(*, scope: Scope, today: datetime.date,
                      warned_only: bool = False) -> QuerySet[Licence]:
    """Every licence in scope with `warning_stage`: an ExpiryStage value, or None when
    more than 90 days are left. A licence expiring `today` is in stage "7", not expired.

    `today` is passed in so the clock is the caller's (fixed in tests).
    """
    whens = [When(valid_to__lt=today, then=Value(ExpiryStage.EXPIRED.value))]
    whens += [When(valid_to__lte=today + datetime.timedelta(days=days), then=Value(str(days)))
              for days in STAGE_DAYS]
    qs = licences_scoped(scope=scope).annotate(
        warning_stage=Case(*whens, default=Value(None), output_field=CharField()))
    if warned_only:
        qs = qs.filter(warning_stage__isnull=False)
    return qs.order_by("valid_to", "id")


def enterprise_licences(*, scope: Scope, enterprise: Enterprise,
                        today: datetime.date) -> list[Licence]:
    """The enterprise's licences with `warning_stage` (expired / 7 / 30 / 90 / None)."""
    return list(licences_expiring(scope=scope, today=today).filter(enterprise=enterprise))


def licences_expired(*, user: User, today: datetime.date) -> QuerySet[Licence] | None:
    """The header's work queue: expired licences the user has to renew (their enterprise's)
    or to follow up (a supervisor over them) — the rows of ?stage=expired."""
    rows = Licence.objects.filter(valid_to__lt=today)
    if authority.is_supervisor(user):  # a department's own rows are not its to-dos here
        return authority.decidable(user, rows)
    return authority.owned_rows(user, rows)


def licence_figures(*, scope: Scope, today: datetime.date) -> dict[str, int]:
    """Expired and expiring (within 30 / 90 days) licences in scope, in one query."""
    soon = today + datetime.timedelta(days=30)
    later = today + datetime.timedelta(days=STAGE_DAYS[-1])
    return licences_scoped(scope=scope).aggregate(
        expired=Count("pk", filter=Q(valid_to__lt=today)),
        days_30=Count("pk", filter=Q(valid_to__gte=today, valid_to__lte=soon)),
        days_90=Count("pk", filter=Q(valid_to__gt=soon, valid_to__lte=later)))
