"""Face: the monitoring module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app

from monitoring.alarms.services import gateways_silent_alarm, warnings_tick
from monitoring.commitments.services import commitments_mismatch_flag
from monitoring.devices.services import gateways_offline_mark
from monitoring.operation.services import outages_prune
from monitoring.reports.services import RENDER_TASK, report_make, reports_schedule
from monitoring.risk.services import risk_compute
from monitoring.upstream.services import upstream_tick


@app.periodic(cron="* * * * *")
@app.task(queue="monitoring", queueing_lock="gateways_offline")
def gateways_offline(timestamp: int) -> int:
    """Every minute: gateways gone silent are offline, their sensors blue, and each has
    an offline alarm."""
    now = datetime.fromtimestamp(timestamp, UTC)
    marked = gateways_offline_mark(now=now)
    gateways_silent_alarm(now=now)
    return len(marked)


@app.periodic(cron="* * * * *")
@app.task(queue="monitoring", queueing_lock="warnings_tick")
def warnings_due(timestamp: int) -> dict:
    """Every minute: warnings graded again by duration, reminded at their level's
    interval until released, escalated one tier up when nobody acknowledged them."""
    return warnings_tick(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="*/5 * * * *")
@app.task(queue="monitoring", queueing_lock="risk_compute")
def risk_scores(timestamp: int) -> dict:
    """Every 5 minutes: every enterprise's dynamic risk and each division's aggregate,
    kept as today's row (the day's latest run; ADR 0021)."""
    run = risk_compute(now=datetime.fromtimestamp(timestamp, UTC))
    return {"day": run.day.isoformat(), "enterprises": run.enterprises,
            "regions": run.regions, "model_version": run.model_version}


@app.periodic(cron="17 * * * *")
@app.task(queue="monitoring", queueing_lock="readings_partitions")
def readings_partitions(timestamp: int) -> None:
    """Hourly: pg_partman makes the readings' partitions ahead and drops those past the
    retention (migration 0002, ADR 0015)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT partman.run_maintenance('public.monitoring_reading')")


@app.periodic(cron="23 3 * * *")
@app.task(queue="monitoring", queueing_lock="outages_prune")
def outages_old(timestamp: int) -> int:
    """Daily: ended outages past OUTAGE_RETENTION_DAYS leave the outage log."""
    return outages_prune(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="* * * * *")
@app.task(queue="monitoring", queueing_lock="upstream_exchange")
def upstream_exchange(timestamp: int) -> dict:
    """Every minute: the provincial platforms' outboxes filled and sent from their
    cursors (ADR 0022); a peer that is down is tried again the next minute."""
    return upstream_tick(now=datetime.fromtimestamp(timestamp, UTC))


@app.periodic(cron="*/10 * * * *")
@app.task(queue="monitoring", queueing_lock="commitments_mismatch")
def commitments_mismatch(timestamp: int) -> int:
    """Every ten minutes: today's "safe" commitments that meet an HH alarm or a red or
    orange warning are flagged to the supervising department (once per commitment)."""
    now = datetime.fromtimestamp(timestamp, UTC)
    return len(commitments_mismatch_flag(day=timezone.localtime(now).date(), now=now))


# 01:00 in China (UTC+8): yesterday is over everywhere the platform reports on
@app.periodic(cron="0 17 * * *")
@app.task(queue="monitoring", queueing_lock="reports_due")
def reports_due(timestamp: int) -> int:
    """Daily: yesterday's daily reports, on Mondays last week's, on the 1st last month's,
    for every division down to county level, park and monitored enterprise; one
    report_render job each."""
    return len(reports_schedule(now=datetime.fromtimestamp(timestamp, UTC)))


@app.task(queue="reports", name=RENDER_TASK)
def report_render(report_id: int) -> str:
    """One report's figures, PDF and file (scheduled, or asked for on the reports page)."""
    report = report_make(report_id=report_id, now=timezone.now())
    return report.state if report else "gone"
