"""The commitment's day and deadline in local time (settings.TIME_ZONE). The clock is the
caller's: every function takes `now`, like the licences' expiry stages take `today`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REPORTED = "reported", _("按时承诺")
    LATE = "late", _("逾期承诺")
    MISSING = "missing", _("未承诺")
    PENDING = "pending", _("待承诺")  # today, before the deadline


def local_day(now: datetime.datetime) -> datetime.date:
    """The local calendar day of an instant."""
    return timezone.localtime(now).date()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight of `day` and of the next day, as aware instants."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def deadline(day: datetime.date) -> datetime.datetime:
    """The instant the day's card is due: filed strictly before it is on time."""
    hours, minutes = (int(part) for part in settings.COMMITMENT_DEADLINE.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hours, minutes)))
