"""Writes of the dynamic risk slice: the run that scores every enterprise and division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from monitoring.risk import compute
from monitoring.risk.model import MODEL
from monitoring.risk.models import EnterpriseRisk, RegionRisk


@dataclass(frozen=True)
class RiskRun:
    day: date
    enterprises: int
    regions: int
    model_version: str


def risk_compute(*, now: datetime, model: dict = MODEL,
                 commitments_sql: str | None = None) -> RiskRun:
    """Score every enterprise and aggregate to divisions as of `now`, keeping one row per
    enterprise (and division) per local day — the latest run's. `commitments_sql` is the
    daily commitment input, a subquery `(enterprise_id, status)` for the day; None gives
    every enterprise the model's neutral commitment term."""
    day = timezone.localdate(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*compute.enterprise_sql(model, now=now, day=day,
                                               commitments_sql=commitments_sql))
        scored = cursor.rowcount
        cursor.execute(*compute.current_sql(EnterpriseRisk._meta.db_table, now=now, day=day))
        cursor.execute(*compute.region_sql(model, now=now, day=day))
        regions = cursor.rowcount
        cursor.execute(*compute.current_sql(RegionRisk._meta.db_table, now=now, day=day))
    return RiskRun(day=day, enterprises=scored, regions=regions,
                   model_version=model["version"])
