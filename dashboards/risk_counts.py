"""Reads of the risk four-colour map (风险四色图): enterprises by colour per division of the
caller's area, by the static grade (企业静态风险等级, layer `enterprises`) or by the newest
day's dynamic risk (layer `region_risk`), all in the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from geo.models import LEVEL_DIGITS
from geo.scope import Scope
from layers.base import registry
from monitoring.risk.selectors import enterprise_risk_scoped, region_risk_scoped, risk_days
from registry.enterprises.selectors import enterprise_division_risk_counts

STATIC, DYNAMIC = "static", "dynamic"
COLOURS = ("red", "orange", "yellow", "blue")  # levels 1..4
# The divisions a map of one's area is coloured by: counties on a province's or a city's
# map, towns (and parks) on a county's and below.
BELOW = {"province": "county", "city": "county", "county": "town", "town": "town",
         "village": "town"}


@dataclass(frozen=True)
class DivisionCounts:
    code: str
    name: str
    level: int | None  # 1 red .. 4 blue; None: no enterprises
    counts: tuple[int, int, int, int]  # red, orange, yellow, blue

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class RiskCounts:
    mode: str
    day: date | None      # the dynamic map's day (the newest with scores)
    division_level: str   # the level the map colours
    rows: list[DivisionCounts]
    total: tuple[int, int, int, int]


def map_level(scope: Scope) -> str:
    """The division level one's map is coloured by (a prefix's length gives its level)."""
    if scope.prefix is None:
        return "county"
    own = next((lv for lv, digits in LEVEL_DIGITS.items() if digits >= len(scope.prefix)),
               "village")
    return BELOW[own]


def _own_divisions(scope: Scope, level: str) -> dict[str, str]:
    """code -> name of the caller's own divisions at `level` (the layer is public, so the
    scope is applied again without the public override, as `division_extent` does)."""
    layer = registry.get("divisions")
    own = scope.filter(layer.queryset(scope), division_field=layer.scope, owner_field=None)
    return dict(own.filter(level=level).order_by("code").values_list("code", "name"))


def risk_counts(*, scope: Scope, mode: str) -> RiskCounts:
    level = map_level(scope)
    names = _own_divisions(scope, level)
    if mode == DYNAMIC:
        days = risk_days(scope=scope, last=1)
        day = days[-1] if days else None
        found = _dynamic(scope, level, day) if day else {}
    else:
        day, found = None, _static(scope, level)
    rows = [DivisionCounts(code, name, *found.get(code, (None, (0, 0, 0, 0))))
            for code, name in names.items()]
    return RiskCounts(mode, day, level, rows, _total(scope, mode, day))


def _dynamic(scope: Scope, level: str, day: date) -> dict[str, tuple]:
    rows = region_risk_scoped(scope=scope, day=day).filter(division_level=level).values_list(
        "code", "level", *COLOURS)
    return {code: (lv, tuple(counts)) for code, lv, *counts in rows}


def _static(scope: Scope, level: str) -> dict[str, tuple]:
    """Enterprises by static grade per division; a division's level is its enterprises'
    mean grade, rounded (as the dynamic map bands the mean score)."""
    by_prefix = enterprise_division_risk_counts(scope=scope, within="",
                                                digits=LEVEL_DIGITS[level])
    found = {prefix.ljust(12, "0"): [levels.get(lv, 0) for lv in (1, 2, 3, 4)]
             for prefix, levels in by_prefix.items()}
    return {code: (_mean_level(counts), tuple(counts)) for code, counts in found.items()}


def _mean_level(counts: list[int]) -> int | None:
    total = sum(counts)
    if not total:
        return None
    mean = sum((i + 1) * n for i, n in enumerate(counts)) / total
    return min(4, max(1, int(mean + 0.5)))


def _total(scope: Scope, mode: str, day: date | None) -> tuple[int, int, int, int]:
    """Enterprises by colour over everything the caller sees (an enterprise user, who has
    no area of its own, sees its own plants' here)."""
    if mode == DYNAMIC:
        if day is None:
            return (0, 0, 0, 0)
        qs, field = enterprise_risk_scoped(scope=scope, day=day), "level"
    else:
        qs, field = registry.get("enterprises").queryset(scope), "risk_level"
    by_level = dict(qs.values_list(field).annotate(n=Count("id")).order_by())
    return tuple(by_level.get(lv, 0) for lv in (1, 2, 3, 4))
