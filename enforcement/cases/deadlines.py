"""Time limits of a case (办案期限), configurable in settings.

- `CASE_STAGE_DAYS` (state → days): how long a case may stay in a stage before its people
  are reminded it is due; the statement period (陈述申辩期) of a notified case is its
  deadline too, after which the head may decide without a statement.
- `CASE_DECISION_DAYS`: the decision is due this many days after filing (《行政处罚法》
  第六十条: ninety days unless a law says otherwise).
- `CASE_REMIND_DAYS`: reminders go out this many days before a deadline.
- `CASE_HEARING_FINE` (party kind → yuan): a fine from which the party may ask for a
  hearing (较大数额罚款, 第六十三条: the amount is set by the province or ministry; the
  defaults here stand in until a site sets its own).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings

STAGE_DAYS = {"proposed": 7, "reviewing": 10, "reviewed": 3, "notified": 5, "hearing": 30,
              "heard": 10, "decided": 15, "executed": 15}
DECISION_DAYS = 90
REMIND_DAYS = 3
HEARING_FINE = {"enterprise": Decimal("50000"), "person": Decimal("10000")}


def stage_days(state: str) -> int | None:
    return {**STAGE_DAYS, **getattr(settings, "CASE_STAGE_DAYS", {})}.get(state)


def decision_days() -> int:
    return int(getattr(settings, "CASE_DECISION_DAYS", DECISION_DAYS))


def remind_days() -> int:
    return int(getattr(settings, "CASE_REMIND_DAYS", REMIND_DAYS))


def hearing_fine(party_kind: str) -> Decimal:
    amounts = {**HEARING_FINE, **getattr(settings, "CASE_HEARING_FINE", {})}
    return Decimal(amounts[party_kind])


def stage_due(state: str, since: datetime.datetime) -> datetime.datetime | None:
    days = stage_days(state)
    return since + datetime.timedelta(days=days) if days is not None else None


def decision_due(filed_at: datetime.datetime | None) -> datetime.datetime | None:
    return filed_at + datetime.timedelta(days=decision_days()) if filed_at else None
