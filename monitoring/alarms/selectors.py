"""Reads of the alarms slice."""

from __future__ import annotations

import copy
from datetime import datetime

from geo.models import LEVEL_DIGITS
from geo.scope import Scope
from layers.base import registry
from monitoring.alarms import metrics
from monitoring.alarms.metrics import GradingRow, Period, SensorFalseAlarms
from monitoring.alarms.models import RuleSet
from monitoring.alarms.rules import DEFAULT


def ruleset_current(*, area: str) -> RuleSet | None:
    """The newest rule set version stored for exactly `area`."""
    return RuleSet.objects.filter(area=area).order_by("-version").first()


def rules_default() -> dict:
    """A copy of the built-in rule document (where no area has its own)."""
    return copy.deepcopy(DEFAULT)


def alarms_grading(*, scope: Scope, level: str, period: Period, now: datetime,
                   within: str = "") -> list[GradingRow]:
    """Alarm-handling grading (报警处置考核) of every enterprise, county, city or province
    (`level`) under the prefix `within`, in scope (`metrics.grading_rows`)."""
    return metrics.grading_rows(scope=scope, level=level, period=period, now=now,
                                within=within)


def sensors_false_alarms(*, scope: Scope, period: Period, within: str = "",
                         limit: int = 10) -> list[SensorFalseAlarms]:
    """The sensors with the most false alarms (误报) in the period, in scope."""
    return metrics.false_alarm_sensors(scope=scope, period=period, within=within, limit=limit)


def grading_levels(*, scope: Scope) -> list[str]:
    """The aggregation levels a caller may grade at: from their own level down to the
    enterprise (an enterprise or park user grades enterprises only)."""
    if scope.everything:
        return list(metrics.LEVELS)
    top = len(scope.prefix) if scope.prefix is not None else 99
    return [name for name, digits in metrics.LEVELS.items() if digits is None or digits >= top]


def division_trail(*, scope: Scope, within: str, top: str) -> list[tuple[str, str]]:
    """(prefix, name) of the divisions from the caller's own (`top`) down to `within`, for
    the page's crumbs; one query through the divisions layer (a code when not found)."""
    prefixes = [within[:d] for d in sorted(LEVEL_DIGITS.values())
                if max(len(top), 1) <= d <= len(within)]
    codes = {p.ljust(12, "0"): p for p in prefixes}
    found = dict(registry.get("divisions").queryset(scope).filter(code__in=codes)
                 .values_list("code", "name"))
    return [(p, found.get(code, p)) for code, p in codes.items()]
