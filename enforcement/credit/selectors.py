"""Reads of the credit slice in the caller's scope, and the public joint punishment list
(联合惩戒对象名单: published, joint entries — a publication, readable by anyone)."""

from __future__ import annotations

from django.db.models import QuerySet

from enforcement.credit.models import Investigation, Listing, ListingState, SubjectKind
from geo.scope import Scope


def listings_scoped(*, scope: Scope) -> QuerySet[Listing]:
    return scope.filter(Listing.objects.select_related("organisation"),
                        division_field="division_code", owner_field="organisation")


def listing_get(*, scope: Scope, pk: int) -> Listing | None:
    return listings_scoped(scope=scope).filter(pk=pk).first()


def joint_punishment_list(*, prefix: str = "") -> list[dict]:
    """What the public page shows: no ID number of a person beyond its ends."""
    rows = Listing.objects.filter(state=ListingState.PUBLISHED, joint=True).select_related(
        "organisation").order_by("-published_at", "-id")
    if prefix:
        rows = rows.filter(division_code__startswith=prefix)
    return [{"name": r.name, "kind": r.get_subject_kind_display(),
             "id_number": masked(r.id_number) if r.subject_kind == SubjectKind.PERSON
             else r.id_number, "position": r.position, "reason": r.reason,
             "decision": r.decision, "agency": r.organisation.name,
             "published_at": r.published_at, "until": r.until} for r in rows]


def masked(id_number: str) -> str:
    """An ID number as published: the first six and last four digits."""
    if len(id_number) <= 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def investigations_scoped(*, scope: Scope) -> QuerySet[Investigation]:
    return scope.filter(Investigation.objects.select_related("organisation"),
                        division_field="division_code", owner_field="organisation")


def investigation_get(*, scope: Scope, pk: int) -> Investigation | None:
    return investigations_scoped(scope=scope).filter(pk=pk).first()
