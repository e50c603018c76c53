"""Reads of notices. Who sees a notice:
- a published one: its addressees (a reader inside one of its `areas`, `geo.scope.
  reader_prefixes`, of one of its `roles`), the supervisors over its area (`geo.scope`),
  and everyone when it is public;
- one not yet published: its department (the owner) and, once submitted, those who may
  decide it (`geo.authority.decidable`).
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from geo import authority
from geo.models import OVERSIGHT_ROLES, User
from geo.notices.models import Notice, NoticeReceipt, NoticeState
from geo.scope import reader_prefixes, scope_for_user, scope_for_user_id


def addressed_q(user) -> Q:
    """The published notices addressed to `user` (public ones aside)."""
    prefixes = reader_prefixes(user)
    if not prefixes:
        return Q(pk__in=[])
    return Q(state=NoticeState.PUBLISHED, areas__overlap=prefixes) & (
        Q(roles=[]) | Q(roles__contains=[user.role]))


def _published_q(user) -> Q:
    """The published notices `user` may read: public, addressed to them, or in their scope
    (a supervisor's area holds its own department's notices too)."""
    return Q(state=NoticeState.PUBLISHED) & (Q(public=True) | addressed_q(user) | _scope(
        user).q(division_field="division_code", owner_field="organisation", public=False))


def _scope(user):
    # the id-keyed scope is cached in the process: no division query on every home
    return scope_for_user_id(user.pk) if user.is_authenticated else scope_for_user(user)


def notices_visible(*, user) -> QuerySet[Notice]:
    """Every notice `user` may open, in any state."""
    seen = _published_q(user)
    if (own := authority.owned_rows(user, Notice.objects.all())) is not None:
        seen |= Q(pk__in=own.values("pk"))
    if (decide := authority.decidable(user, Notice.objects.filter(
            state=NoticeState.SUBMITTED))) is not None:
        seen |= Q(pk__in=decide.values("pk"))
    return Notice.objects.filter(seen)


def notices_published(*, user, limit: int | None = None) -> QuerySet[Notice]:
    """Published notices the user may read, newest first, each with `unread` (addressed to
    the user, who has no receipt yet: what a supervisor oversees is not theirs to read) and
    the department's name."""
    rows = Notice.objects.filter(_published_q(user)).select_related("organisation") \
        .order_by("-published_at", "-id")
    if user.is_authenticated:
        receipt = Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user))
        rows = rows.annotate(unread=Case(When(addressed_q(user), then=~receipt),
                                         default=Value(False), output_field=BooleanField()))
    return rows[:limit] if limit else rows


def notices_of_department(*, user) -> QuerySet[Notice] | None:
    """The drafts and notices of the user's own department (None: they have none)."""
    rows = authority.owned_rows(user, Notice.objects.all())
    return None if rows is None else rows.select_related("author").order_by("-created")


def notices_unread(*, user) -> QuerySet[Notice] | None:
    """Notices addressed to the user that they have not opened (the 待阅 queue)."""
    if not user.is_authenticated or not reader_prefixes(user):
        return None
    return Notice.objects.filter(addressed_q(user)).exclude(receipts__user=user)


def notices_to_review(*, user) -> QuerySet[Notice] | None:
    """Submitted notices the user may publish or return (the 待审核 queue)."""
    return authority.decidable(user, Notice.objects.filter(state=NoticeState.SUBMITTED))


def notice_get(*, user, pk: int) -> Notice | None:
    return notices_visible(user=user).select_related("organisation", "author") \
        .filter(pk=pk).first()


def notice_audience(*, notice: Notice) -> QuerySet[User]:
    """The active users a published notice is addressed to, by the same rule as
    `addressed_q`: a place (their division, else their organisation's) inside one of its
    areas, and one of its roles."""
    place = Coalesce(F("division_id"), F("organisation__division_id"))
    inside = Q()
    for area in notice.areas:
        inside |= Q(place__startswith=area)
    users = User.objects.filter(is_active=True).annotate(place=place).filter(inside)
    return users.filter(role__in=notice.roles) if notice.roles else users.exclude(
        role__in=OVERSIGHT_ROLES)


def notice_receipts(*, notice: Notice) -> tuple[int, int, list[NoticeReceipt]]:
    """(readers, addressees, the latest 100 receipts with the reader and their unit) for
    the writing department's view of a notice."""
    audience = notice_audience(notice=notice)
    counts = audience.aggregate(total=Count("pk", distinct=True))
    receipts = list(notice.receipts.select_related("user__organisation")
                    .order_by("-read_at")[:100])
    return notice.receipts.count(), counts["total"], receipts
