"""Reads for the enterprise pages: the filtered list, counts by division, and the hub's
part of one enterprise's file (一企一档); the other sections read in their own slices.

Every read starts from the enterprise layer's scoped queryset or an owned-row filter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Left

from geo import authority
from geo.models import LEVEL_DIGITS, Division, DivisionLevel, User
from geo.scope import Scope
from layers.base import registry
from registry.enterprises.filters import EnterpriseFilters, LicenceState
from registry.enterprises.models import EditStatus, Enterprise, EnterpriseEdit, RiskLevel

# Licence warnings start this many days before expiry (the outermost expiry stage).
EXPIRING_DAYS = 90
# Levels offered in the division select; towns and villages are reached by drilling.
SELECT_LEVELS = [DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY]
_DIGITS = sorted(LEVEL_DIGITS.values())


def enterprises_scoped(*, scope: Scope) -> QuerySet[Enterprise]:
    return registry.get("enterprises").queryset(scope)


def enterprise_list(*, scope: Scope, filters: EnterpriseFilters,
                    today: datetime.date) -> QuerySet[Enterprise]:
    """Enterprises in scope matching `filters`, each with `next_expiry` (earliest licence
    end) and `licence_state` (a LicenceState value)."""
    qs = _with_licence_state(enterprises_scoped(scope=scope), today)
    if filters.division:
        qs = qs.filter(division_code__startswith=filters.division)
    if filters.industry:
        qs = qs.filter(industry__startswith=filters.industry)
    if filters.category:
        qs = qs.filter(categories__contains=[filters.category])
    if filters.risk_level is not None:
        qs = qs.filter(risk_level=filters.risk_level)
    if filters.licence:
        qs = qs.filter(licence_state=filters.licence)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    return qs.order_by("name", "pk")


def _with_licence_state(qs: QuerySet[Enterprise], today: datetime.date) -> QuerySet[Enterprise]:
    # The licences are reached through Enterprise's own reverse relation (`licences`, which
    # the licences slice declares), so the hub imports no slice. They copy their
    # enterprise's scope fields, so the enterprise's scope covers them.
    rel = Enterprise._meta.get_field("licences")
    earliest = (rel.related_model._default_manager.filter(**{rel.field.name: OuterRef("pk")})
                .order_by("valid_to").values("valid_to")[:1])
    warn_from = today + datetime.timedelta(days=EXPIRING_DAYS)
    state = Case(
        When(next_expiry__isnull=True, then=Value(LicenceState.NONE.value)),
        When(next_expiry__lt=today, then=Value(LicenceState.EXPIRED.value)),
        When(next_expiry__lte=warn_from, then=Value(LicenceState.EXPIRING.value)),
        default=Value(LicenceState.VALID.value), output_field=CharField())
    return qs.annotate(next_expiry=Subquery(earliest)).annotate(licence_state=state)


def child_digits(prefix: str) -> int | None:
    """Digits of the next division level below a code prefix ("" is above provinces)."""
    return next((d for d in _DIGITS if d > len(prefix)), None)


def enterprise_division_counts(qs: QuerySet[Enterprise], *, prefix: str) -> list[tuple[str, int]]:
    """(child prefix, count) for the level below `prefix`, in ONE grouped query."""
    digits = child_digits(prefix)
    if digits is None:
        return []
    grouped = (qs.order_by().annotate(part=Left("division_code", digits)).values("part")
               .annotate(n=Count("pk")).order_by("part"))
    return [(row["part"], row["n"]) for row in grouped]


def enterprise_division_risk_counts(*, scope: Scope, within: str, digits: int
                                    ) -> dict[str, dict[int, int]]:
    """Child-division prefix (`digits` long) -> risk level -> number of the caller's
    enterprises under the prefix `within`, in ONE grouped query (the one map's drill-down,
    the four-colour map)."""
    grouped = (enterprises_scoped(scope=scope).filter(division_code__startswith=within)
               .order_by().annotate(part=Left("division_code", digits))
               .values_list("part", "risk_level").annotate(n=Count("pk")))
    counts: dict[str, dict[int, int]] = {}
    for part, level, n in grouped:
        counts.setdefault(part, {})[level] = n
    return counts


@dataclass
class DivisionNames:
    """Divisions the list page names: the select's options, the drill path, the children."""

    options: list[Division] = field(default_factory=list)
    by_prefix: dict[str, Division] = field(default_factory=dict)

    def known(self, prefix: str) -> str | None:
        division = self.by_prefix.get(prefix)
        return division.name if division else None

    def name(self, prefix: str) -> str:
        return self.known(prefix) or prefix

    def path(self, prefix: str, *, top: str) -> list[tuple[str, str]]:
        """(prefix, name) from the caller's top level down to `prefix`."""
        return [(p, self.name(p)) for p in division_path(prefix, top=top)]


def division_path(prefix: str, *, top: str) -> list[str]:
    """The division prefixes from the caller's top level down to `prefix`."""
    steps = [p for p in (prefix[:d] for d in _DIGITS) if len(top) <= len(p) <= len(prefix)]
    return list(dict.fromkeys(steps))


def division_names(*, scope: Scope, prefixes: list[str]) -> DivisionNames:
    """The divisions in scope at the select levels plus those naming `prefixes`, in ONE query."""
    codes = [p.ljust(12, "0") for p in prefixes if p]
    rows = scope.filter(Division.objects.defer("geom"), division_field="code", owner_field=None)
    rows = rows.filter(Q(level__in=SELECT_LEVELS) | Q(code__in=codes)).order_by("code")
    names = DivisionNames()
    for division in rows:
        names.by_prefix[division.prefix] = division
        if division.level in SELECT_LEVELS:
            names.options.append(division)
    return names


# ---- one enterprise ---------------------------------------------------------------------
PROFILES = ["hazchem", "ammonia", "mine", "fireworks", "trade"]


def enterprise_get(*, scope: Scope, pk: int) -> Enterprise | None:
    """The enterprise with its category profiles, department and people lists (4 queries)."""
    return (enterprises_scoped(scope=scope)
            .select_related("supervising_department", *PROFILES)
            .prefetch_related("safety_managers", "trainings", "investments")
            .filter(pk=pk).first())


# ---- the header's work queue (geo.queues) --------------------------------------------------
def enterprise_edits_awaiting(*, user: User) -> QuerySet[EnterpriseEdit] | None:
    """Submitted file edits `user` may decide: the rows of /enterprises/reviews/."""
    return authority.decidable(user, EnterpriseEdit.objects.filter(status=EditStatus.SUBMITTED),
                               division_field="enterprise__division_code",
                               owner_field="enterprise__organisation")


def enterprise_figures(*, scope: Scope) -> dict[str, int]:
    """The counts of the workbench's area figures, in one query: enterprises in scope,
    those with a major hazard source, and each risk level (`risk_1` … `risk_4`)."""
    counts = {f"risk_{level}": Count("pk", filter=Q(risk_level=level)) for level in RiskLevel}
    return enterprises_scoped(scope=scope).aggregate(
        total=Count("pk"), major=Count("pk", filter=Q(has_major_hazard=True)), **counts)


def enterprise_own(*, scope: Scope, user: User) -> Enterprise | None:
    """The enterprise of an enterprise user's organisation (their 一企一档), in scope."""
    if user.organisation_id is None:
        return None
    return enterprises_scoped(scope=scope).filter(organisation_id=user.organisation_id).first()
