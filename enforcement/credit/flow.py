"""The two procedures of the credit slice on `geo.workflow.Flow`.

A blacklist entry (失信名单): an officer of the agency proposes it (拟列入); the head
decides (认定) or rejects it (不予列入), publishes it (公示) and, when the subject has
repaired its credit, removes it (移出, with the reason). An accident investigation
(事故调查): the head closes it once every milestone is done and the report concluded
(结案), then archives it under its file number (归档).

Steps are the owning agency's; `actor` says who inside it: any of its supervisors
("officer") or its head (`geo.authority.holds_post`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.credit.models import Investigation, InvestigationState, Listing, ListingState
from geo import authority
from geo.models import Post
from geo.workflow import OWNER, Flow, Step

OFFICER, HEAD = "officer", "head"
L, INV = ListingState, InvestigationState
# How long a published entry stays on the list (公示期) unless removed earlier; the
# rule's term differs by list, so it is a setting (days).
LISTING_DAYS = 3 * 365


@dataclass(frozen=True)
class Act(Step):
    actor: str = HEAD


def may_act(actor: str, user, row) -> bool:
    if actor == HEAD:
        return authority.holds_post(user, row, Post.HEAD)
    return (authority.owns(user, row) and authority.is_supervisor(user)
            and authority.supervises(user, row))


class _AgencyFlow(Flow):
    refusals = {OWNER: gettext_lazy("只有认定机关负责人可以办理此环节")}
    reason_required = gettext_lazy("请填写意见或理由")

    def allowed(self, step: Step, user, row) -> bool:
        return may_act(step.actor, user, row)

    def check(self, action: str, row, user, reason: str) -> None:
        getattr(self, f"_check_{action}", lambda *a: None)(row, timezone.now(), reason)

    def notify(self, action, row, reason) -> None:
        """The agency keeps its own list: nobody outside it waits on these steps."""


class ListingFlow(_AgencyFlow):
    model = Listing
    steps = {
        "decide": Act(frozenset({L.PROPOSED}), L.DECIDED, OWNER, gettext_lazy("认定列入"),
                      True),
        "reject": Act(frozenset({L.PROPOSED}), L.REJECTED, OWNER, gettext_lazy("不予列入"),
                      True),
        "publish": Act(frozenset({L.DECIDED}), L.PUBLISHED, OWNER, gettext_lazy("公示")),
        "remove": Act(frozenset({L.PUBLISHED}), L.REMOVED, OWNER, gettext_lazy("移出"), True),
    }

    def _check_decide(self, row: Listing, now, reason: str) -> None:
        row.decision, row.decided_at = reason, now

    def _check_reject(self, row: Listing, now, reason: str) -> None:
        row.decision = reason

    def _check_publish(self, row: Listing, now, reason: str) -> None:
        days = int(getattr(settings, "CREDIT_LISTING_DAYS", LISTING_DAYS))
        row.published_at = now
        row.until = timezone.localdate(now) + datetime.timedelta(days=days)

    def _check_remove(self, row: Listing, now, reason: str) -> None:
        row.removal, row.removed_at = reason, now

    def link(self, row: Listing) -> str:
        return reverse("credit:detail", args=[row.pk])


class InvestigationFlow(_AgencyFlow):
    model = Investigation
    refusals = {OWNER: gettext_lazy("只有牵头机关负责人可以办理此环节")}
    steps = {
        "close": Act(frozenset({INV.INVESTIGATING}), INV.CLOSED, OWNER, gettext_lazy("结案"),
                     True),
        "archive": Act(frozenset({INV.CLOSED}), INV.ARCHIVED, OWNER, gettext_lazy("归档"), True),
    }

    def _check_close(self, row: Investigation, now, reason: str) -> None:
        open_ = row.milestones.filter(done_at__isnull=True).values_list("name", flat=True)
        if open_:
            raise ValidationError({"milestones": _("尚有未完成的调查节点：%(n)s") % {
                "n": "、".join(open_)}})
        row.report, row.closed_at = reason, now

    def _check_archive(self, row: Investigation, now, reason: str) -> None:
        row.archive_number, row.archived_at = reason, now

    def link(self, row: Investigation) -> str:
        return reverse("credit:accident", args=[row.pk])


LISTING = ListingFlow()
INVESTIGATION = InvestigationFlow()
