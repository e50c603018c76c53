"""Reads of plans, draws and inspections, in the caller's scope (`geo.scope`); the public
list of published draws (双随机一公开: 公开) for anyone; what other slices read
(`inspected_enterprise_ids`, `inspection_failed_items`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from enforcement.inspections.models import (
    Draw,
    DrawAssignment,
    DrawTarget,
    Finding,
    Inspection,
    InspectionState,
    Plan,
    PlanTarget,
    Result,
)
from enforcement.library.selectors import (
    ViolationSuggestion,
    violation_suggestions,
)
from geo.models import Role
from geo.scope import GOVERNMENT_ROLES, Scope

# the on-site record is made
DONE = (InspectionState.RECORDED, InspectionState.RECTIFYING, InspectionState.CLOSED)


# ---- plans ----------------------------------------------------------------------------------
def plans_scoped(*, scope: Scope) -> QuerySet[Plan]:
    return scope.filter(Plan.objects.select_related("organisation"),
                        division_field="division_code", owner_field=None)


def _count(qs: QuerySet) -> Subquery:
    return Coalesce(Subquery(qs.order_by().values("plan").annotate(n=Count("pk")).values("n")),
                    0)


def plans_with_progress(*, scope: Scope, year: int | None = None) -> QuerySet[Plan]:
    """Plans in scope, each with `total` targets and `inspected` targets (an inspection of
    the plan with its on-site record made), in one query."""
    qs = plans_scoped(scope=scope)
    if year:
        qs = qs.filter(year=year)
    done = Inspection.objects.filter(plan=OuterRef("plan_id"), state__in=DONE,
                                     enterprise=OuterRef("enterprise_id"))
    inspected = PlanTarget.objects.filter(Exists(done), plan=OuterRef("pk"))
    return qs.annotate(total=_count(PlanTarget.objects.filter(plan=OuterRef("pk"))),
                       inspected=_count(inspected))


@dataclass(frozen=True)
class Progress:
    inspected: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.inspected / self.total) if self.total else 0


def plan_progress(plan: Plan) -> Progress:
    """Targets of the plan inspected / all its targets."""
    done = Inspection.objects.filter(plan=plan, state__in=DONE).values("enterprise_id")
    targets = PlanTarget.objects.filter(plan=plan)
    return Progress(inspected=targets.filter(enterprise_id__in=done).count(),
                    total=targets.count())


def plan_get(*, scope: Scope, pk: int) -> Plan | None:
    return plans_scoped(scope=scope).filter(pk=pk).first()


def plan_targets(plan: Plan) -> list[dict]:
    """The plan's targets with the state of their latest inspection under the plan."""
    latest = Inspection.objects.filter(plan=plan, enterprise=OuterRef("enterprise_id")) \
        .order_by("-scheduled_on", "-pk")
    rows = (PlanTarget.objects.filter(plan=plan).select_related("enterprise")
            .annotate(inspection_id=Subquery(latest.values("pk")[:1]),
                      inspection_state=Subquery(latest.values("state")[:1]))
            .order_by("pk"))
    labels = dict(InspectionState.choices)
    return [{"target": t, "enterprise": t.enterprise, "inspection_id": t.inspection_id,
             "state": labels.get(t.inspection_state, "")} for t in rows]


# ---- draws ----------------------------------------------------------------------------------
def draws_scoped(*, scope: Scope) -> QuerySet[Draw]:
    return scope.filter(Draw.objects.select_related("plan", "organisation"),
                        division_field="division_code", owner_field=None)


def draw_get(*, scope: Scope, pk: int) -> Draw | None:
    return draws_scoped(scope=scope).filter(pk=pk).first()


def draw_pick_get(*, scope: Scope, pk: int) -> DrawTarget | None:
    """A picked target of a draw in scope, with its inspectors."""
    return (DrawTarget.objects.filter(pk=pk, draw__in=draws_scoped(scope=scope))
            .select_related("draw", "enterprise").prefetch_related("assignments").first())


def draw_rows(draws: list[Draw]) -> dict[int, list[dict]]:
    """Per draw: its picks in order, each with the enterprise, the inspectors (name and
    certificate number) and the latest inspection's state (the results), in 3 queries."""
    assignments = DrawAssignment.objects.select_related("inspector__user").order_by("position")
    picks = (DrawTarget.objects.filter(draw__in=draws).select_related("enterprise")
             .prefetch_related(Prefetch("assignments", queryset=assignments))
             .annotate(inspection_state=Subquery(
                 Inspection.objects.filter(pick=OuterRef("pk")).order_by("-pk")
                 .values("state")[:1]))
             .order_by("draw_id", "position"))
    labels = dict(InspectionState.choices)
    rows: dict[int, list[dict]] = {d.pk: [] for d in draws}
    for pick in picks:
        rows[pick.draw_id].append({
            "position": pick.position, "enterprise": pick.enterprise.name,
            "enterprise_id": pick.enterprise_id, "pick_id": pick.pk,
            "inspectors": [(a.inspector.name, a.inspector.certificate_number)
                           for a in pick.assignments.all()],
            "result": labels.get(pick.inspection_state, "")})
    return rows


def draws_published(*, prefix: str = "") -> QuerySet[Draw]:
    """Published draws, newest first, for the public page (anyone may read them)."""
    qs = Draw.objects.filter(published_at__isnull=False).select_related("organisation")
    if prefix:
        qs = qs.filter(division_code__startswith=prefix)
    return qs.order_by("-published_at", "-pk")


# ---- inspections ----------------------------------------------------------------------------
def inspections_scoped(*, scope: Scope) -> QuerySet[Inspection]:
    return scope.filter(Inspection.objects.select_related("enterprise", "plan", "bureau"),
                        division_field="division_code", owner_field="organisation")


def inspection_get(*, scope: Scope, pk: int) -> Inspection | None:
    return (inspections_scoped(scope=scope).prefetch_related(
        "inspectors__user", "items", "measures",
        Prefetch("findings", queryset=Finding.objects.select_related("item")))
        .filter(pk=pk).first())


def enterprise_inspections(*, scope: Scope, enterprise_id: int) -> QuerySet[Inspection]:
    return inspections_scoped(scope=scope).filter(enterprise_id=enterprise_id)


def inspected_enterprise_ids(since: datetime.date) -> set[int]:
    """Enterprises with an on-site inspection recorded on or after `since` (no scope: for
    jobs such as 精准执法 candidates, which scope their own output)."""
    return set(Inspection.objects.filter(state__in=DONE, inspected_at__date__gte=since)
               .values_list("enterprise_id", flat=True).distinct())


@dataclass(frozen=True)
class FailedItem:
    """A failed item of an inspection: what was found, and what it suggests for a case."""

    finding_id: int
    description: str
    rectified: bool | None
    suggestion: ViolationSuggestion


def inspection_failed_items(inspection: Inspection) -> list[FailedItem]:
    """The failed items, in code order, each with the violation, legal basis and penalty
    tiers the item list suggests (违法行为及处罚依据建议)."""
    findings = list(inspection.findings.filter(result=Result.FAIL).order_by("item__code"))
    suggestions = {s.item_id: s for s in violation_suggestions([f.item_id for f in findings])}
    return [FailedItem(f.pk, f.description, f.rectified, suggestions[f.item_id])
            for f in findings]


def inspections_waiting(*, user, today: datetime.date) -> QuerySet[Inspection] | None:
    """What waits for an inspector (the header queue and /enforcement/inspections/?mine=1):
    their inspections to record, to order or close, and those whose rectification deadline
    has come (复查). None for users who cannot hold a certificate; the inspector row is
    joined, not read first (the header counts every queue in one query: geo.queues)."""
    if user is None or not user.is_authenticated or not (user.role in GOVERNMENT_ROLES
                                                          or user.role == Role.ADMIN):
        return None
    return Inspection.objects.filter(
        Q(state__in=(InspectionState.PLANNED, InspectionState.RECORDED))
        | Q(state=InspectionState.RECTIFYING, rectify_deadline__lte=today),
        inspectors__user=user, inspectors__active=True).select_related(
        "enterprise", "plan", "bureau")


def inspection_document_data(inspection: Inspection) -> dict:
    """What the documents of an inspection carry (现场检查方案, 现场检查记录, 现场处理措施
    决定书, 责令限期整改指令书, 整改复查意见书), as plain values: the documents slice fills
    and numbers them; nothing is rendered here."""
    enterprise = inspection.enterprise
    findings = list(inspection.findings.select_related("item").order_by("item__code"))
    return {
        "inspection_id": inspection.pk, "name": inspection.name, "state": inspection.state,
        "bureau": str(inspection.bureau or ""), "division_code": inspection.division_code,
        "enterprise": {"id": enterprise.pk, "name": enterprise.name,
                       "credit_code": enterprise.credit_code, "address": enterprise.address,
                       "legal_representative": enterprise.legal_representative},
        "inspectors": [{"name": i.name, "certificate_number": i.certificate_number}
                       for i in inspection.inspectors.select_related("user").order_by("pk")],
        "scheme": {"scheduled_on": inspection.scheduled_on, "purpose": inspection.purpose,
                   "scheme": inspection.scheme,
                   "items": [f"{i.code} {i.title}" for i in inspection.items.order_by("code")]},
        "record": {"inspected_at": inspection.inspected_at, "place": inspection.place,
                   "summary": inspection.summary,
                   "findings": [{"item": f"{f.item.code} {f.item.title}", "result": f.result,
                                 "description": f.description,
                                 "photo": f.photo.name or ""} for f in findings]},
        "measures": [{"kind": m.get_kind_display(), "description": m.description,
                      "decided_at": m.decided_at} for m in inspection.measures.order_by("pk")],
        "order": {"deadline": inspection.rectify_deadline,
                  "ordered_at": inspection.rectify_ordered_at,
                  "items": [f"{f.item.code} {f.item.title}：{f.description}"
                            for f in findings if f.ordered]},
        "reinspection": {"at": inspection.reinspected_at, "note": inspection.reinspection_note,
                         "items": [{"item": f"{f.item.code} {f.item.title}",
                                    "rectified": f.rectified, "note": f.rectify_note}
                                   for f in findings if f.ordered]},
    }


def inspection_counts(*, scope: Scope) -> dict[str, int]:
    counts = inspections_scoped(scope=scope).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in InspectionState.values})
    return counts
