"""The demo's dynamic risk history: a run at this time on each of the last days, so the
risk layers have past days to show (`datetime=`) before the job runner has made them.
Demo only: a past day is scored from today's registry, alarms and gateways as they are;
its commitment term is that day's (the demo cards of the last week, `demo_commitments`, are
filed before this runs, and a card filed after the replayed instant counts as not yet filed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from layers.base import registry
from monitoring.risk.services import risk_compute


def demo_risk_ensure(*, now: datetime, days: int = 7) -> int:
    """Today's scores and those of the `days - 1` days before; returns enterprises scored."""
    scored = 0
    for back in range(days - 1, -1, -1):  # oldest first: today's run ends current
        scored = risk_compute(now=now - timedelta(days=back)).enterprises
    return scored


def demo_risk_delete(cursor, prefix: str) -> None:
    """Drop the demo region's risk rows (before its enterprises and divisions go)."""
    for layer_id in ("enterprise_risk", "region_risk"):
        table = registry.get(layer_id).table()
        cursor.execute(f'DELETE FROM "{table}" WHERE division_code LIKE %s', [prefix + "%"])
