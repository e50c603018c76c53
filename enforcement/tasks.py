"""Face: the enforcement module's scheduled jobs, run by the job runner
(`manage.py procrastinate worker`, ADR 0012). Thin: each calls one service."""

from __future__ import annotations

from datetime import UTC, datetime

from procrastinate.contrib.django import app

from enforcement.grids.services import grid_assign


@app.periodic(cron="*/15 * * * *")
@app.task(queue="enforcement", queueing_lock="grid_assign")
def grids_assign(timestamp: int) -> dict:
    """Every quarter hour: enterprises into the smallest grid cell containing them, after
    the edits of enterprises and cells since the last run (one statement; 网格划分)."""
    return grid_assign(now=datetime.fromtimestamp(timestamp, UTC))
