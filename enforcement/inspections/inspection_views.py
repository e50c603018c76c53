"""Pages of on-site inspections (mounted at /enforcement/inspections/): the list of the
caller's area, the on-site plan form (检查方案), and one inspection's page, where its
inspectors record findings, decide measures, order rectification and re-inspect. The
inspected enterprise reads its own inspection (the read gate's owner scope)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.inspections import selectors, services
from enforcement.inspections.models import InspectionState, MeasureKind, Result
from enforcement.inspections.onsite import InspectionFlow
from enforcement.inspections.views import int_param
from enforcement.library.selectors import check_items, government_scope, inspectors_active
from geo.offline import filled_at, offline_once
from geo.scope import scope_for_request
from registry.enterprises.selectors import enterprises_scoped


@login_required
@require_GET
def inspections(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    state = request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    rows = selectors.inspections_scoped(scope=scope)
    if mine:
        waiting = selectors.inspections_waiting(user=request.user, today=timezone.localdate())
        rows = rows.filter(pk__in=waiting.values("pk")) if waiting is not None else rows.none()
    if state in InspectionState.values:
        rows = rows.filter(state=state)
    return render(request, "enforcement/inspections/inspections.html", {
        "rows": rows[:200], "state": state, "mine": mine, "states": InspectionState.choices,
        "counts": selectors.inspection_counts(scope=scope)})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    source = request.POST if request.method == "POST" else request.GET
    pick = selectors.draw_pick_get(scope=scope, pk=int_param(source.get("pick")))
    enterprise = enterprises_scoped(scope=scope).defer("geom").filter(
        pk=pick.enterprise_id if pick else int_param(source.get("enterprise"))).first()
    plan = pick.draw.plan if pick else selectors.plan_get(scope=scope,
                                                         pk=int_param(source.get("plan")))
    errors: list[str] = []
    if request.method == "POST":
        if enterprise is None:
            raise Http404
        try:
            row = services.inspection_schedule(
                user=request.user, enterprise_id=enterprise.pk,
                scheduled_on=parse_date(request.POST.get("scheduled_on") or "")
                or timezone.localdate(),
                inspector_ids=[int_param(i) for i in request.POST.getlist("inspectors")],
                item_ids=[int_param(i) for i in request.POST.getlist("items")],
                purpose=request.POST.get("purpose", ""), scheme=request.POST.get("scheme", ""),
                plan=plan, pick=pick, name=request.POST.get("name", ""))
            return redirect("inspections:inspection", row.pk)
        except ValidationError as error:
            errors = error.messages
    return render(request, "enforcement/inspections/inspection_new.html", {
        "enterprise": enterprise, "plan": plan, "pick": pick, "errors": errors,
        "drawn": {a.inspector_id for a in pick.assignments.all()} if pick else set(),
        "enterprises": [] if enterprise else enterprises_scoped(scope=scope).defer("geom")
        .order_by("name")[:200],
        "inspectors": inspectors_active(scope=scope), "items": check_items()},
        status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@offline_once  # recorded on site from a phone, with or without a network (ADR 0028)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.inspection_get(scope=scope_for_request(request), pk=pk)
    if row is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            _act(request, row)
            return redirect("inspections:inspection", row.pk)
        except ValidationError as error:
            errors = error.messages
    flow = InspectionFlow()
    return render(request, "enforcement/inspections/inspection.html", {
        "inspection": row, "errors": errors, "actions": flow.actions(request.user, row),
        "findings": list(row.findings.all()), "results": Result.choices,
        "measure_kinds": MeasureKind.choices,
        "failed": selectors.inspection_failed_items(row) if row.failed_count else []},
        status=400 if errors else 200)


def _act(request: HttpRequest, row) -> None:
    """One POST, one step; the services refuse what the user may not do."""
    action, post, now = request.POST.get("action"), request.POST, filled_at(request)
    if action == "record":
        findings = [{"item_id": item.pk, "result": post.get(f"result-{item.pk}"),
                     "description": post.get(f"description-{item.pk}", ""),
                     "photo": request.FILES.get(f"photo-{item.pk}")} for item in row.items.all()]
        services.inspection_record(user=request.user, inspection=row, findings=findings,
                                   inspected_at=now, place=post.get("place", ""),
                                   summary=post.get("summary", ""))
    elif action == "measure":
        services.measure_add(user=request.user, inspection=row, kind=post.get("kind", ""),
                             description=post.get("description", ""), decided_at=now)
    elif action == "order":
        services.rectification_order(
            user=request.user, inspection=row,
            finding_ids=[int_param(f) for f in post.getlist("findings")],
            deadline=parse_date(post.get("deadline") or "") or datetime.date.min,
            ordered_at=now)
    elif action == "close":
        services.inspection_close(user=request.user, inspection=row)
    elif action == "reinspect":
        ordered = row.findings.filter(ordered=True)
        services.reinspection_record(
            user=request.user, inspection=row,
            results={f.pk: post.get(f"rectified-{f.pk}") == "1" for f in ordered},
            notes={f.pk: post.get(f"note-{f.pk}", "") for f in ordered},
            note=post.get("note", ""), at=now)
    else:
        raise PermissionDenied
