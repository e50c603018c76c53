"""Reads of cases, always in the caller's scope (`geo.scope`): lists, one case, what the
documents are filled from, and the deadline a case is working to."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Case as DbCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Abs, Coalesce

from enforcement.cases import deadlines
from enforcement.cases.flow import awaiting_states
from enforcement.cases.models import Case, CaseState
from geo.models import Post
from geo.scope import Scope, scope_for_user


def cases_scoped(*, scope: Scope) -> QuerySet[Case]:
    """The cases a caller may read: by the party's place (government users)."""
    return scope.filter(Case.objects.all(), division_field="division_code",
                        owner_field="organisation")


def case_get(*, scope: Scope, pk: int) -> Case | None:
    return cases_scoped(scope=scope).select_related(
        "organisation", "enterprise", "violation").filter(pk=pk).first()


def case_list(*, scope: Scope, state: str = "", prefix: str = "",
              query: str = "") -> QuerySet[Case]:
    rows = cases_scoped(scope=scope).select_related("organisation").defer("geom")
    if state:
        rows = rows.filter(state=state)
    if prefix:
        rows = rows.filter(division_code__startswith=prefix)
    if query:
        rows = rows.filter(Q(party_name__icontains=query) | Q(cause__icontains=query))
    return rows


def case_due(case: Case) -> datetime.datetime | None:
    """The nearer of the stage's deadline and the 90-day decision deadline."""
    if case.state == CaseState.NOTIFIED:
        stage = case.statement_due
    else:
        stage = deadlines.stage_due(case.state, case.stage_since)
    decision = deadlines.decision_due(case.filed_at) if case.decided_at is None else None
    if case.state in (CaseState.CLOSED, CaseState.CANCELLED, CaseState.TRANSFERRED):
        return None
    dues = [d for d in (stage, decision) if d is not None]
    return min(dues) if dues else None


def case_document_fields(case: Case) -> dict:
    """What the numbered documents of a case (立案审批表, 行政处罚告知书, 行政处罚决定书 …)
    are filled from: the documents slice renders them, this slice keeps the facts."""
    members = [{"name": m.user.get_full_name() or m.user.username, "lead": m.lead,
                "agency": m.user.organisation.name if m.user.organisation_id else ""}
               for m in case.members.select_related("user__organisation")]
    return {
        "case_id": case.pk, "cause": case.cause, "state": case.state,
        "agency": case.organisation.name, "agency_division": case.organisation.division_id,
        "joint_agencies": list(case.agencies.values_list("organisation__name", flat=True)),
        "party": {"kind": case.party_kind, "name": case.party_name,
                  "id_number": case.party_id_number, "address": case.party_address,
                  "enterprise_id": case.enterprise_id, "division_code": case.division_code,
                  "legal_representative": getattr(case.enterprise, "legal_representative",
                                                  "") if case.enterprise_id else ""},
        "source": {"kind": case.source_kind,
                   "model": case.source_type.model_class()._meta.label_lower
                   if case.source_type_id else None, "id": case.source_id},
        "members": members, "facts": case.facts, "evidence": list(case.evidence),
        "violation": case.violation.name if case.violation_id else "",
        "circumstance": case.circumstance, "legal_basis": case.legal_basis,
        "penalty_basis": case.penalty_basis, "penalties": list(case.penalties),
        "fine": case.fine, "review_opinion": case.review_opinion,
        "statement": case.statement, "hearing_requested": case.hearing_requested,
        "hearing_record": case.hearing_record, "execution": case.execution,
        "ended_reason": case.ended_reason,
        "dates": {name: getattr(case, name) for name in (
            "opened_at", "filed_at", "notified_at", "statement_due", "decided_at",
            "executed_at", "closed_at")},
    }


SIMILAR = 5


def cases_similar(*, scope: Scope, case: Case, limit: int = SIMILAR) -> list[Case]:
    """Closed cases like this one, for the discretion of its fine (类案参考): the same
    violation first, then the same industry (GB/T 4754 major group, e.g. C26), then the
    nearest fine; in the caller's scope, one statement."""
    if case.violation_id is None and not case.industry:
        return []
    group = case.industry[:3]
    same = Q(violation_id=case.violation_id) if case.violation_id else Q(pk__in=[])
    if group:
        same |= Q(industry__startswith=group)
    fine = case.fine if case.fine is not None else Decimal(0)
    rows = cases_scoped(scope=scope).filter(same, state=CaseState.CLOSED).exclude(pk=case.pk)
    return list(rows.annotate(
        same_violation=DbCase(When(violation_id=case.violation_id, then=Value(1)),
                              default=Value(0), output_field=IntegerField()),
        same_industry=DbCase(When(industry__startswith=group or "\x00", then=Value(1)),
                             default=Value(0), output_field=IntegerField()),
        distance=Abs(Coalesce(F("fine"), Value(Decimal(0))) - Value(fine)),
    ).select_related("violation").defer("geom").order_by(
        "-same_violation", "-same_industry", "distance", "-closed_at", "-pk")[:limit])


def enterprise_cases(*, scope: Scope, enterprise_id: int, limit: int = 20) -> list[Case]:
    """An enterprise's latest cases in the caller's scope (its file page)."""
    return list(cases_scoped(scope=scope).filter(enterprise_id=enterprise_id)
                .select_related("organisation").defer("geom")[:limit])


def cases_awaiting(*, user, limit: int = 10) -> list[Case]:
    """The open cases in which `user` may take the next step (their to-dos), in one
    query: a handler's, the head's and the legal reviewer's states (`flow.STEPS`)."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    states = awaiting_states()
    mine = Q(members__user=user, state__in=states["handler"])
    posts = set(user.posts or [])
    if Post.HEAD in posts:
        mine |= Q(organisation_id=user.organisation_id, state__in=states["head"])
    if Post.LEGAL in posts:
        mine |= Q(organisation_id=user.organisation_id, state__in=states["legal"]) & ~Q(
            members__user=user)
    return list(cases_scoped(scope=scope_for_user(user)).filter(mine).distinct()
                .select_related("organisation").defer("geom").order_by("stage_since")[:limit])
