"""Pages of 一单两库 (mounted at /enforcement/library/): the item list with each item's
legal basis and discretion tiers, the inspector library and the target library of the
caller's area. Government readers only; writes go through the services (`geo.authority`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.library import selectors, services
from enforcement.library.models import PenaltyKind, Specialty, TargetCategory
from enforcement.library.selectors import government_scope
from geo import authority
from geo.models import User
from geo.scope import Scope

PAGE = 50


@login_required
@require_GET
def items(request: HttpRequest) -> HttpResponse:
    government_scope(request)
    category = request.GET.get("category", "")
    q = request.GET.get("q", "").strip()
    major = request.GET.get("major") == "1"
    rows = selectors.check_items(category=category, q=q, major_only=major)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/library/items.html", {
        "page": page, "rows": page.object_list, "category": category, "q": q, "major": major,
        "categories": selectors.check_item_categories(), "total": page.paginator.count,
        "kinds": dict(PenaltyKind.choices)})


@login_required
@require_GET
def item(request: HttpRequest, pk: int) -> HttpResponse:
    government_scope(request)
    row = selectors.check_item_get(pk=pk)
    if row is None:
        raise Http404
    return render(request, "enforcement/library/item.html", {
        "item": row, "kinds": dict(PenaltyKind.choices)})


@login_required
@require_http_methods(["GET", "POST"])
def inspectors(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    errors: list[str] = []
    if request.method == "POST":
        errors = _register(request, scope)
        if not errors:
            return redirect("library:inspectors")
    rows = selectors.inspectors_scoped(scope=scope).order_by("division_code",
                                                             "certificate_number")
    return render(request, "enforcement/library/inspectors.html", {
        "rows": rows, "errors": errors, "specialties": Specialty.choices,
        "may_register": authority.is_supervisor(request.user),
        "candidates": _candidates(scope) if authority.is_supervisor(request.user) else []},
        status=400 if errors else 200)


def _candidates(scope: Scope):
    """Government users of the caller's area not yet in the library (the form's select)."""
    users = scope.filter(User.objects.filter(organisation__kind="government", inspector=None,
                                             is_active=True),
                         division_field="organisation__division__code", owner_field=None)
    return users.order_by("username")


def _register(request: HttpRequest, scope: Scope) -> list[str]:
    person = _candidates(scope).filter(pk=request.POST.get("user") or 0).first()
    if person is None:
        return [_("请选择本辖区政府部门的用户")]
    try:
        services.inspector_register(
            user=request.user, person=person,
            certificate_number=request.POST.get("certificate_number", ""),
            specialties=request.POST.getlist("specialties"),
            valid_to=parse_date(request.POST.get("valid_to") or "") or None)
    except ValidationError as error:
        return error.messages
    except PermissionDenied as refused:
        return [str(refused)]
    return []


@login_required
@require_POST
def inspector_active(request: HttpRequest, pk: int) -> HttpResponse:
    scope = government_scope(request)
    row = get_object_or_404(selectors.inspectors_scoped(scope=scope), pk=pk)
    services.inspector_set_active(user=request.user, inspector=row,
                                  active=request.POST.get("active") == "1")
    return redirect("library:inspectors")


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    scope = government_scope(request)
    where = selectors.TargetFilter(prefix=request.GET.get("division", "").strip(),
                                   category=request.GET.get("category", ""),
                                   industry=request.GET.get("industry", "").strip().upper())
    synced = None
    if request.method == "POST":
        synced = services.targets_sync(user=request.user, prefix=where.prefix)
    rows = selectors.targets_matching(scope=scope, where=where)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/library/targets.html", {
        "page": page, "rows": page.object_list, "where": where, "synced": synced,
        "categories": TargetCategory.choices, "counts": selectors.target_counts(scope=scope),
        "may_edit": authority.is_supervisor(request.user)})


@login_required
@require_POST
def target_classify(request: HttpRequest, pk: int) -> HttpResponse:
    scope = government_scope(request)
    row = get_object_or_404(selectors.targets_scoped(scope=scope), pk=pk)
    try:
        services.target_classify(user=request.user, target=row,
                                 category=request.POST.get("category", ""),
                                 reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return HttpResponse("；".join(error.messages), status=400)
    return redirect("library:targets")
