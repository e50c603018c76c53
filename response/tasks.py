"""Face: the response module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations

from datetime import UTC, datetime

from procrastinate.contrib.django import app

from response.incidents.services import incident_reminders_send


@app.periodic(cron="* * * * *")
@app.task(queue="response", queueing_lock="incident_reminders")
def incident_reminders(timestamp: int) -> int:
    """Every minute: each level late to report an incident up is reminded, once (催报)."""
    return incident_reminders_send(now=datetime.fromtimestamp(timestamp, UTC))
