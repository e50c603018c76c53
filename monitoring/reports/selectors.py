"""Reads of the reports slice in the caller's scope (geo.scope): the subjects a caller may
ask a report of, the kept reports with their filters, one report. The report's own
figures are read in `figures.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from geo.models import LEVEL_DIGITS, Division, code_prefix
from geo.places import owned_filter
from geo.scope import Scope
from layers.base import registry
from monitoring.reports.models import Report

# Divisions that have reports of their own: province, city, county, and parks — town-level
# units numbered 400–599 in the statistical division code (data/divisions.py).
REPORTED_LEVELS = ("province", "city", "county")
PARK_NUMBERS = ("400", "599")


@dataclass(frozen=True)
class Subject:
    """What a report is about: an enterprise, or a division (its 12-digit code)."""

    code: str                   # the division's code, or the enterprise's division code
    name: str
    level: str                  # province / city / county / town, or "enterprise"
    enterprise_id: int | None = None
    organisation_id: int | None = None

    @property
    def key(self) -> str:
        """How the request form names it: e<id> or d<code>."""
        return f"e{self.enterprise_id}" if self.enterprise_id else f"d{self.code}"

    @property
    def prefix(self) -> str:
        """The division-code prefix of everything inside (an enterprise: its own code)."""
        return self.code if self.enterprise_id else code_prefix(self.code, self.level)

    @property
    def is_park(self) -> bool:
        return self.level == "town" and PARK_NUMBERS[0] <= self.code[6:9] <= PARK_NUMBERS[1]


def _reported_divisions() -> Q:
    park = Q(level="town", code__regex=r"^\d{6}(4\d\d|5\d\d)")
    return Q(level__in=REPORTED_LEVELS) | park


def report_subjects(*, scope: Scope) -> list[Subject]:
    """Divisions down to county level and parks inside the caller's area, then the
    enterprises with gateways in use the caller may read, by code and name. Two queries."""
    divisions = scope.filter(Division.objects.filter(_reported_divisions()),
                             division_field="code", owner_field=None)
    found = [Subject(code, name, level) for code, name, level in
             divisions.order_by("code").values_list("code", "name", "level")]
    gateways = registry.get("gateways").queryset(scope).filter(in_use=True)
    enterprises = registry.get("enterprises").queryset(scope).filter(
        pk__in=gateways.values("enterprise_id")).order_by("division_code", "name")
    return found + [Subject(code, name, "enterprise", pk, org) for pk, code, name, org in
                    enterprises.values_list("pk", "division_code", "name", "organisation_id")]


def subject_get(*, scope: Scope, key: str) -> Subject | None:
    """The subject named `key` (e<id> / d<code>) if the caller may ask for it."""
    return next((s for s in report_subjects(scope=scope) if s.key == key), None)


def report_subject(report: Report) -> Subject:
    """The subject of a kept report (the division's level from its code)."""
    if report.enterprise_id:
        return Subject(report.division_code, report.subject_name, "enterprise",
                       report.enterprise_id, report.organisation_id)
    return Subject(report.division_code, report.subject_name, _level(report.division_code))


def _level(code: str) -> str:
    """The level of a 12-digit division code: the shortest prefix after which only zeros
    follow."""
    for level, digits in LEVEL_DIGITS.items():
        if code[digits:].strip("0") == "":
            return level
    return "village"


@dataclass(frozen=True)
class ReportFilter:
    kind: str = ""
    subject: str = ""        # part of the subject's name, or a division-code prefix
    start: date | None = None  # periods ending on or after
    end: date | None = None    # periods starting on or before
    state: str = ""


def report_list(*, scope: Scope, where: ReportFilter = ReportFilter()) -> QuerySet[Report]:
    """The kept reports the caller may read, newest period first, with who asked."""
    rows = owned_filter(Report.objects.all(), scope).select_related("requested_by")
    if where.kind:
        rows = rows.filter(kind=where.kind)
    if where.state:
        rows = rows.filter(state=where.state)
    if where.subject.isdigit():
        rows = rows.filter(division_code__startswith=where.subject)
    elif where.subject:
        rows = rows.filter(subject_name__icontains=where.subject)
    if where.start:
        rows = rows.filter(period_end__gte=where.start)
    if where.end:
        rows = rows.filter(period_start__lte=where.end)
    return rows.order_by("-period_start", "kind", "enterprise_id", "division_code", "pk")


def report_get(*, scope: Scope, pk: int) -> Report | None:
    """One report the caller may read (None otherwise: the views answer 404)."""
    return owned_filter(Report.objects.all(), scope).filter(pk=pk).first()
