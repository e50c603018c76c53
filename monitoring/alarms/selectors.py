"""Reads of the alarms slice."""

from __future__ import annotations

from monitoring.alarms.models import RuleSet


def ruleset_current(*, area: str) -> RuleSet | None:
    """The newest rule set version stored for exactly `area`."""
    return RuleSet.objects.filter(area=area).order_by("-version").first()
