"""Face: the registry's scheduled jobs, run by the job runner (ADR 0012)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from procrastinate.contrib.django import app

from registry.licences.notifications import licence_expiry_notify
from registry.plans.notifications import plan_review_notify


# 07:30 in China (UTC+8): the cron of periodic jobs is read in UTC
@app.periodic(cron="30 23 * * *")
@app.task(queue="registry", queueing_lock="daily_reminders")
def daily_reminders(timestamp: int) -> int:
    """Licence expiry and plan review reminders (safe to repeat: nothing is sent twice)."""
    today = timezone.localdate(datetime.fromtimestamp(timestamp, UTC))
    return licence_expiry_notify(today=today) + plan_review_notify(today=today)
