"""Reads of the alarms slice."""

from __future__ import annotations

import copy

from monitoring.alarms.models import RuleSet
from monitoring.alarms.rules import DEFAULT


def ruleset_current(*, area: str) -> RuleSet | None:
    """The newest rule set version stored for exactly `area`."""
    return RuleSet.objects.filter(area=area).order_by("-version").first()


def rules_default() -> dict:
    """A copy of the built-in rule document (where no area has its own)."""
    return copy.deepcopy(DEFAULT)
