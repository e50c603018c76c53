"""Pages of plans and draws (mounted at /enforcement/): plans with their progress, the
draws of the caller's area with a replay check, and the public list of published draws
(双随机一公开). Thin: the work is in the services and selectors."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.inspections import selectors, services
from enforcement.inspections.models import PlanKind
from enforcement.inspections.plans import area_prefix
from enforcement.library.selectors import (
    TargetFilter,
    government_scope,
    specialty_choices,
    target_category_choices,
    targets_matching,
)
from geo import authority

PAGE = 30


def int_param(value, default: int = 0) -> int:
    """A query or form value as an int, `default` when it is none."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# ---- plans ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            plan = services.plan_create(
                user=request.user, title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""), year=int_param(request.POST.get("year")),
                starts=parse_date(request.POST.get("starts") or "") or datetime.date.min,
                ends=parse_date(request.POST.get("ends") or "") or datetime.date.min,
                description=request.POST.get("description", ""))
            return redirect("inspections:plan", plan.pk)
        except ValidationError as error:
            errors = error.messages
    year = int_param(request.GET.get("year")) or None
    return render(request, "enforcement/inspections/plans.html", {
        "rows": selectors.plans_with_progress(scope=scope, year=year), "year": year,
        "kinds": PlanKind.choices, "errors": errors,
        "may_plan": authority.is_supervisor(request.user),
        "this_year": datetime.date.today().year}, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    scope = government_scope(request)
    row = selectors.plan_get(scope=scope, pk=pk)
    if row is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.plan_targets_choose(user=request.user, plan=row, target_ids=[
                int_param(t) for t in request.POST.getlist("targets")])
            return redirect("inspections:plan", row.pk)
        except ValidationError as error:
            errors = error.messages
    editable = authority.supervises(request.user, row)
    return render(request, "enforcement/inspections/plan.html", {
        "plan": row, "progress": selectors.plan_progress(row), "errors": errors,
        "targets": selectors.plan_targets(row), "editable": editable,
        "draws": row.draws.order_by("-drawn_at"),
        "choices": targets_matching(scope=scope, where=TargetFilter(
            prefix=area_prefix(row.division_code)))[:200] if editable else []},
        status=400 if errors else 200)


# ---- draws ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def draws(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    errors: list[str] = []
    if request.method == "POST":
        errors, draw = _draw(request, scope)
        if draw is not None:
            return redirect("inspections:draw", draw.pk)
    page = Paginator(selectors.draws_scoped(scope=scope), PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/inspections/draws.html", {
        "page": page, "rows": page.object_list, "errors": errors,
        "categories": target_category_choices(), "specialties": specialty_choices(),
        "plans": selectors.plans_scoped(scope=scope)[:100],
        "may_draw": authority.is_supervisor(request.user)}, status=400 if errors else 200)


def _draw(request: HttpRequest, scope):
    post = request.POST
    plan = selectors.plan_get(scope=scope, pk=int_param(post.get("plan"))) if post.get("plan") \
        else None
    where = TargetFilter(prefix=post.get("division", "").strip(),
                         category=post.get("category", ""),
                         industry=post.get("industry", "").strip().upper())
    try:
        draw = services.draw_run(
            user=request.user, title=post.get("title", ""), where=where,
            count=int_param(post.get("count")), per_target=int_param(post.get("per_target"), 2),
            conflict_window=int_param(post.get("window"), 3), plan=plan,
            specialty=post.get("specialty", ""))
    except ValidationError as error:
        return error.messages, None
    return [], draw


@login_required
@require_GET
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    scope = government_scope(request)
    row = selectors.draw_get(scope=scope, pk=pk)
    if row is None:
        raise Http404
    return render(request, "enforcement/inspections/draw.html", {
        "draw": row, "rows": selectors.draw_rows([row])[row.pk],
        "verified": services.draw_verified(row),
        "may_inspect": authority.supervises(request.user, row),
        "may_publish": authority.supervises(request.user, row) and row.published_at is None})


@login_required
@require_POST
def draw_publish(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.draw_get(scope=government_scope(request), pk=pk)
    if row is None:
        raise Http404
    services.draw_publish(user=request.user, draw=row)
    return redirect("inspections:draw", row.pk)


@require_GET
def draw_audit(request: HttpRequest, pk: int) -> JsonResponse:
    """A published draw's inputs and result as JSON, for anyone to recompute (复核)."""
    row = selectors.draws_published().filter(pk=pk).first()
    if row is None:
        raise Http404
    return JsonResponse(services.draw_audit(row), json_dumps_params={"ensure_ascii": False})


@require_GET
def draws_public(request: HttpRequest) -> HttpResponse:
    """双随机一公开: published draws for anyone — targets, inspectors, date, seed, results."""
    page = Paginator(selectors.draws_published(prefix=request.GET.get("division", "").strip()),
                     PAGE).get_page(request.GET.get("page"))
    draws_ = list(page.object_list)
    rows = selectors.draw_rows(draws_)
    return render(request, "enforcement/inspections/draws_public.html", {
        "page": page, "draws": [(d, rows[d.pk]) for d in draws_]})
