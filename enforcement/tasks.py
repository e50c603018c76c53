"""Face: the enforcement module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from procrastinate.contrib.django import app

from enforcement.dangers.nudges import dangers_escalate


@app.periodic(cron="7 * * * *")
@app.task(queue="enforcement", queueing_lock="dangers_escalate")
def dangers_nudge(timestamp: int) -> dict:
    """Hourly (a message goes once per item and level, so the hour only bounds the delay):
    late check tasks and overdue hidden dangers told to the enterprise, then escalated to
    the county, city and province a level per N days."""
    return dangers_escalate(today=timezone.localdate(datetime.fromtimestamp(timestamp, UTC)))
