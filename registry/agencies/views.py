"""Pages of intermediary agencies (中介机构): scoped list and detail with projects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from geo.scope import scope_for_request
from registry.agencies import selectors
from registry.agencies.models import AgencyKind

PAGE = 50


@login_required
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in AgencyKind.values else ""
    agencies = selectors.agency_list(scope=scope_for_request(request), kind=kind)
    return render(request, "registry/agencies/list.html", {
        "page": Paginator(agencies, PAGE).get_page(request.GET.get("page")),
        "kind": kind, "kinds": AgencyKind.choices})


@login_required
@require_GET
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    scope = scope_for_request(request)
    agency = selectors.agency_get(scope=scope, agency_id=agency_id)
    if agency is None:
        raise Http404
    return render(request, "registry/agencies/detail.html", {
        "agency": agency, "projects": selectors.agency_projects(scope=scope, agency=agency)})
