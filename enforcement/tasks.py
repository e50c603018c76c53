"""Face: the enforcement module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from procrastinate.contrib.django import app

from enforcement.cases.services import case_deadlines_remind
from enforcement.credit.services import listings_expire
from enforcement.dangers.nudges import dangers_escalate
from enforcement.grids.services import grid_assign


@app.periodic(cron="*/15 * * * *")
@app.task(queue="enforcement", queueing_lock="grid_assign")
def grids_assign(timestamp: int) -> dict:
    """Every quarter hour: enterprises into the smallest grid cell containing them, after
    the edits of enterprises and cells since the last run (one statement; 网格划分)."""
    return grid_assign(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="7 * * * *")
@app.task(queue="enforcement", queueing_lock="case_deadlines")
def case_deadlines(timestamp: int) -> int:
    """Hourly: the people of each case whose stage or 90-day decision falls due are
    reminded, once per case and stage."""
    return case_deadlines_remind(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="41 2 * * *")
@app.task(queue="enforcement", queueing_lock="credit_listings_expire")
def credit_listings_expire(timestamp: int) -> int:
    """Daily: blacklist entries past their publication term leave the list (移出)."""
    return listings_expire(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="13 * * * *")
@app.task(queue="enforcement", queueing_lock="dangers_escalate")
def dangers_nudge(timestamp: int) -> dict:
    """Hourly (a message goes once per item and level, so the hour only bounds the delay):
    late check tasks and overdue hidden dangers told to the enterprise, then escalated to
    the county, city and province a level per N days."""
    return dangers_escalate(today=timezone.localdate(datetime.fromtimestamp(timestamp, UTC)))
