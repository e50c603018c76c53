"""Reads of emergency plans (应急预案), always through the caller's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from geo import authority
from geo.models import AuditEntry, User
from geo.places import owned_filter
from geo.scope import Scope
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanState, PlanTemplate


def plans_scoped(*, scope: Scope) -> QuerySet[EmergencyPlan]:
    """The plans the caller may see (owned like enterprise rows; government plans carry
    their organisation and its division code)."""
    return owned_filter(EmergencyPlan.objects.select_related("enterprise", "organisation"),
                        scope)


def plan_list(*, scope: Scope, kind: str = "", state: str = "") -> QuerySet[EmergencyPlan]:
    qs = plans_scoped(scope=scope).annotate(attachment_count=Count("attachments"))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return qs


def plan_get(*, scope: Scope, plan_id: int) -> EmergencyPlan | None:
    return plans_scoped(scope=scope).select_related(
        "submitted_by", "decided_by", "template").filter(pk=plan_id).first()


def plan_attachment_get(*, scope: Scope, plan_id: int,
                        attachment_id: int) -> PlanAttachment | None:
    """An attachment, only if its plan is in the caller's scope."""
    return PlanAttachment.objects.filter(
        pk=attachment_id, plan_id=plan_id,
        plan__in=plans_scoped(scope=scope).values("pk")).first()


@dataclass(frozen=True)
class Step:
    at: datetime.datetime
    user: str
    before: str
    after: str


def plan_history(*, plan: EmergencyPlan) -> list[Step]:
    """The plan's filing steps from the audit log (one mechanism for who/when), oldest first."""
    labels = dict(PlanState.choices)
    entries = (AuditEntry.objects.filter(model=EmergencyPlan._meta.label_lower,
                                         object_pk=str(plan.pk), changes__has_key="state")
               .select_related("user").order_by("at", "id"))
    return [Step(e.at, e.user.username if e.user else "—",
                 labels.get(e.changes["state"][0], "—"), labels.get(e.changes["state"][1], ""))
            for e in entries]


def templates_list(*, kind: str = "", industry: str = "") -> QuerySet[PlanTemplate]:
    """Templates of a kind; for an industry code, those for its prefix and the general ones."""
    qs = PlanTemplate.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if industry:
        prefixes = {industry[:n] for n in range(1, len(industry) + 1)} | {""}
        qs = qs.filter(industry__in=prefixes)
    return qs


# ---- the header's work queues (geo.queues) -------------------------------------------------
def plan_filings_awaiting(*, user: User) -> QuerySet[EmergencyPlan] | None:
    """Plans submitted for `user` to file or return: /plans/?state=submitted."""
    return authority.decidable(user, EmergencyPlan.objects.filter(state=PlanState.SUBMITTED))


def plan_filings_returned(*, user: User) -> QuerySet[EmergencyPlan] | None:
    """The user's organisation's plans sent back to it: /plans/?state=returned."""
    return authority.owned_rows(user, EmergencyPlan.objects.filter(state=PlanState.RETURNED))
