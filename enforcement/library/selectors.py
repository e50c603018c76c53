"""Reads of 一单两库: the item list (national reference data, the same for every government
reader), and the inspector and target libraries in the caller's scope (`geo.scope`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet

from enforcement.library.models import (
    CheckItem,
    Inspector,
    PenaltyRange,
    Specialty,
    Target,
    TargetCategory,
)
from geo.scope import Scope, scope_for_request


def government_scope(request) -> Scope:
    """The caller's scope if it is a government one (an area, or everything); enterprise
    users and the public read nothing on the enforcement pages of the government."""
    scope = scope_for_request(request)
    if not (scope.everything or scope.prefix is not None):
        raise PermissionDenied
    return scope


def specialty_choices() -> list[tuple[str, str]]:
    return Specialty.choices


def target_category_choices() -> list[tuple[str, str]]:
    return TargetCategory.choices


# ---- the item list (检查事项清单) ----------------------------------------------------------
def check_items(*, category: str = "", q: str = "", industry: str = "",
                major_only: bool = False) -> QuerySet[CheckItem]:
    """Active items with their penalty provision and its tiers (3 queries when listed)."""
    qs = CheckItem.objects.filter(active=True).select_related("penalty").prefetch_related(
        Prefetch("penalty__ranges", queryset=PenaltyRange.objects.order_by("order")))
    if category:
        qs = qs.filter(category=category)
    if industry:
        qs = qs.filter(industry=industry)
    if major_only:
        qs = qs.filter(major_hidden_danger=True)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(code__icontains=q)
                       | Q(basis_document__icontains=q))
    return qs.order_by("code")


def check_item_categories() -> list[str]:
    return list(CheckItem.objects.filter(active=True).order_by("category")
                .values_list("category", flat=True).distinct())


def check_item_get(*, pk: int) -> CheckItem | None:
    return check_items().filter(pk=pk).first()


def check_items_by_ids(ids: list[int]) -> QuerySet[CheckItem]:
    """Items by id, active or not (a record keeps the items it was made with)."""
    return CheckItem.objects.filter(pk__in=ids).select_related("penalty").prefetch_related(
        Prefetch("penalty__ranges", queryset=PenaltyRange.objects.order_by("order")))


@dataclass(frozen=True)
class ViolationSuggestion:
    """What a failed item suggests for a case (违法行为及依据): the duty broken, the penalty
    provision and clause, and its discretion tiers (自由裁量)."""

    item_id: int
    code: str
    title: str
    basis: str          # 《…》第…条 (the duty)
    penalty: str        # 《…》第…条第（…）项 (the penalty), "" if the item names none
    penalty_text: str
    ranges: list[dict]  # circumstance, kinds, fine_min/max, person_fine_min/max


def violation_suggestions(ids: list[int]) -> list[ViolationSuggestion]:
    """The violations and legal basis an inspection's failed items suggest, in code order."""
    return [_suggestion(item) for item in check_items_by_ids(ids).order_by("code")]


def _suggestion(item: CheckItem) -> ViolationSuggestion:
    provision = item.penalty
    ranges = [{"circumstance": r.circumstance, "kinds": list(r.kinds),
               "fine_min": r.fine_min, "fine_max": r.fine_max,
               "person_fine_min": r.person_fine_min, "person_fine_max": r.person_fine_max}
              for r in provision.ranges.all()] if provision else []
    return ViolationSuggestion(
        item_id=item.pk, code=item.code, title=item.title, basis=item.basis,
        penalty=f"{provision}{item.penalty_clause}" if provision else "",
        penalty_text=provision.text if provision else "", ranges=ranges)


# ---- the inspector library (执法人员库) ------------------------------------------------------
def inspectors_scoped(*, scope: Scope) -> QuerySet[Inspector]:
    return scope.filter(Inspector.objects.select_related("user", "user__organisation"),
                        division_field="division_code", owner_field=None)


def inspectors_active(*, scope: Scope, prefix: str = "", specialty: str = "",
                      today: datetime.date | None = None) -> QuerySet[Inspector]:
    """Inspectors who may be drawn or sent: in post, under `prefix`, of `specialty`, with a
    certificate valid on `today` (when given), by id."""
    qs = inspectors_scoped(scope=scope).filter(active=True, user__is_active=True)
    if today is not None:
        qs = qs.filter(Q(certificate_valid_to__isnull=True) | Q(certificate_valid_to__gte=today))
    if prefix:
        qs = qs.filter(division_code__startswith=prefix)
    if specialty:
        qs = qs.filter(specialties__contains=[specialty])
    return qs.order_by("pk")


def inspector_of(user) -> Inspector | None:
    """The user's own inspector row (any state), None if they hold no certificate."""
    if user is None or not user.is_authenticated:
        return None
    return Inspector.objects.filter(user=user).first()


def inspectors_by_ids(ids: list[int]) -> dict[int, Inspector]:
    return {i.pk: i for i in Inspector.objects.select_related("user").filter(pk__in=ids)}


# ---- the target library (检查对象库) ---------------------------------------------------------
@dataclass(frozen=True)
class TargetFilter:
    """Which targets a list or a draw takes: a division prefix, a category, an industry
    code prefix (GB/T 4754), active ones only."""

    prefix: str = ""
    category: str = ""
    industry: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"prefix": self.prefix, "category": self.category, "industry": self.industry}


def targets_scoped(*, scope: Scope) -> QuerySet[Target]:
    return scope.filter(Target.objects.select_related("enterprise"),
                        division_field="division_code", owner_field=None)


def targets_matching(*, scope: Scope, where: TargetFilter) -> QuerySet[Target]:
    """Active targets in scope matching `where`, by id (the order a draw samples from)."""
    qs = targets_scoped(scope=scope).filter(active=True)
    if where.prefix:
        qs = qs.filter(division_code__startswith=where.prefix)
    if where.category in TargetCategory.values:
        qs = qs.filter(category=where.category)
    if where.industry:
        qs = qs.filter(enterprise__industry__startswith=where.industry)
    return qs.order_by("pk")


def targets_by_ids(ids: list[int]) -> dict[int, Target]:
    return {t.pk: t for t in Target.objects.select_related("enterprise").filter(pk__in=ids)}


def target_counts(*, scope: Scope) -> dict[str, int]:
    """Active targets in scope by category."""
    rows = (targets_scoped(scope=scope).filter(active=True).order_by()
            .values("category").annotate(n=Count("pk")))
    counts = {c: 0 for c in TargetCategory.values}
    counts.update({r["category"]: r["n"] for r in rows})
    return counts
