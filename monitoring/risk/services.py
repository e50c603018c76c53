"""Writes of the dynamic risk slice: the run that scores every enterprise and division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from monitoring.commitments.selectors import commitment_status_sql
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
                 commitments: tuple[str, list] | None = None) -> RiskRun:
    """Score every enterprise and aggregate to divisions as of `now`, keeping one row per
    enterprise (and division) per local day — the latest run's. The daily commitment
    input is the commitments slice's status of each obliged enterprise for the day at
    `now` (`commitment_status_sql`); `commitments` replaces it with another subquery
    `(enterprise_id, status)` and its parameters."""
    day = timezone.localdate(now)
    commitments = commitments or commitment_status_sql(day=day, now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*compute.enterprise_sql(model, now=now, day=day,
                                               commitments=commitments))
        scored = cursor.rowcount
        cursor.execute(*compute.current_sql(EnterpriseRisk._meta.db_table, now=now, day=day))
        cursor.execute(*compute.region_sql(model, now=now, day=day))
        regions = cursor.rowcount
        cursor.execute(*compute.current_sql(RegionRisk._meta.db_table, now=now, day=day))
    return RiskRun(day=day, enterprises=scored, regions=regions,
                   model_version=model["version"])
