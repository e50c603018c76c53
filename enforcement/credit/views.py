"""Pages of credit: `/enforcement/credit/` the blacklist in the caller's scope (and a
proposal form), one entry with its steps, `joint/` the public joint punishment list, and
`accidents/` the accident investigations. Thin: services write, selectors read."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.cases.selectors import case_get
from enforcement.credit import selectors, services
from enforcement.credit.flow import HEAD, INVESTIGATION, LISTING, may_act
from enforcement.credit.models import AccidentLevel, Investigation, Listing, ListingState
from geo.models import OrganisationKind
from geo.scope import scope_for_request
from registry.enterprises.selectors import enterprise_get

PAGE = 50


def _messages(request: HttpRequest, write):
    """Run one write; its refusal or errors become messages. Its result, else None."""
    try:
        return write()
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    except ValidationError as error:
        for m in error.messages:
            messages.error(request, m)
    return None


def _made(request: HttpRequest, write, page: str, otherwise: str) -> HttpResponse:
    """Create a row: to its page when made, else back to the list with the messages."""
    row = _messages(request, write)
    return redirect(page, row.pk) if row is not None else redirect(otherwise)


def _found(row):
    if row is None:
        raise Http404
    return row


def _agency(user):
    org = user.organisation if user.organisation_id else None
    return org if org is not None and org.kind == OrganisationKind.GOVERNMENT else None


@login_required
@require_http_methods(["GET", "POST"])
def listings(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    if request.method == "POST":
        return _propose(request, scope)
    state = request.GET.get("state", "")
    rows = selectors.listings_scoped(scope=scope)
    if state in ListingState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/credit/list.html", {
        "page": page, "rows": page.object_list, "states": ListingState.choices,
        "state": state, "may_propose": _agency(request.user) is not None})


def _propose(request: HttpRequest, scope) -> HttpResponse:
    post, agency = request.POST, _agency(request.user)
    if agency is None:
        raise PermissionDenied
    case = case_get(scope=scope, pk=int(post.get("case") or 0)) if post.get("case") else None
    enterprise = enterprise_get(scope=scope, pk=int(post.get("enterprise") or 0)) \
        if post.get("enterprise") else None
    person = {k: post.get(k, "").strip() for k in ("name", "id_number", "position")}
    person = person if person["name"] else None
    if person and enterprise is None and case is None:
        person["division_code"] = post.get("division_code", "").strip()
    return _made(request, lambda: services.listing_propose(
        user=request.user, agency=agency, reason=post.get("reason", ""),
        joint=bool(post.get("joint")), enterprise=enterprise, person=person, case=case),
        "credit:detail", "credit:list")


def _listing(request: HttpRequest, pk: int) -> Listing:
    return _found(selectors.listing_get(scope=scope_for_request(request), pk=pk))


@login_required
@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = _listing(request, pk)
    return render(request, "enforcement/credit/detail.html", {
        "row": row, "actions": [(a, LISTING.steps[a]) for a in LISTING.actions(
            request.user, row)]})


@login_required
@require_POST
def listing_step(request: HttpRequest, pk: int) -> HttpResponse:
    row = _listing(request, pk)
    return _step(request, LISTING.steps, lambda action, reason: services.listing_advance(
        listing=row, user=request.user, action=action, reason=reason), "credit:detail", pk)


def _step(request: HttpRequest, steps: dict, advance, page: str, pk: int) -> HttpResponse:
    """One step posted from a row's page, through its service; back to the page."""
    action = request.POST.get("action", "")
    if action not in steps:
        raise Http404
    _messages(request, lambda: advance(action, request.POST.get("reason", "")))
    return redirect(page, pk)


@require_GET
def joint_list(request: HttpRequest) -> HttpResponse:
    """The public page of the joint punishment list (联合惩戒对象名单公示): anyone."""
    rows = selectors.joint_punishment_list(prefix=request.GET.get("division", "").strip())
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/credit/joint.html", {"page": page,
                                                             "rows": page.object_list})


# ---- accident investigations ------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def accidents(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    if request.method == "POST":
        return _open(request, scope)
    rows = selectors.investigations_scoped(scope=scope)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "enforcement/credit/accidents.html", {
        "page": page, "rows": page.object_list, "levels": AccidentLevel.choices,
        "may_open": _agency(request.user) is not None})


def _lines(text: str, width: int) -> list[list[str]]:
    return [([p.strip() for p in line.replace("，", ",").split(",")] + [""] * width)[:width]
            for line in text.splitlines() if line.strip()]


def _open(request: HttpRequest, scope) -> HttpResponse:
    post, agency = request.POST, _agency(request.user)
    if agency is None:
        raise PermissionDenied
    enterprise = enterprise_get(scope=scope, pk=int(post.get("enterprise") or 0)) \
        if post.get("enterprise") else None
    try:
        occurred = datetime.datetime.fromisoformat(post.get("occurred_at", ""))
        due = datetime.date.fromisoformat(post.get("due", ""))
        milestones = [(n, datetime.date.fromisoformat(d))
                      for n, d in _lines(post.get("milestones", ""), 2)]
    except ValueError:
        messages.error(request, _("请按格式填写日期"))
        return redirect("credit:accidents")
    team = [{"name": n, "unit": u, "duty": d} for n, u, d in _lines(post.get("team", ""), 3)]
    occurred = timezone.make_aware(occurred) if timezone.is_naive(occurred) else occurred
    return _made(request, lambda: services.investigation_open(
        user=request.user, agency=agency, name=post.get("name", ""), occurred_at=occurred,
        level=post.get("level", ""), due=due, enterprise=enterprise,
        division_code=post.get("division_code", ""), team=team, milestones=milestones),
        "credit:accident", "credit:accidents")


def _investigation(request: HttpRequest, pk: int) -> Investigation:
    return _found(selectors.investigation_get(scope=scope_for_request(request), pk=pk))


@login_required
@require_GET
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = _investigation(request, pk)
    return render(request, "enforcement/credit/accident.html", {
        "row": row, "milestones": row.milestones.select_related("done_by"),
        "may_mark": may_act("officer", request.user, row) and row.state == "investigating",
        "actions": [(a, INVESTIGATION.steps[a]) for a in INVESTIGATION.actions(
            request.user, row)], "head": may_act(HEAD, request.user, row)})


@login_required
@require_POST
def accident_step(request: HttpRequest, pk: int) -> HttpResponse:
    row = _investigation(request, pk)
    return _step(request, INVESTIGATION.steps, lambda action, reason:
                 services.investigation_advance(investigation=row, user=request.user,
                                                action=action, reason=reason),
                 "credit:accident", pk)


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    row = _investigation(request, pk)
    item = row.milestones.filter(pk=milestone).first()
    if item is None:
        raise Http404
    _messages(request, lambda: services.milestone_done(milestone=item, user=request.user,
                                                       note=request.POST.get("note", "")))
    return redirect("credit:accident", row.pk)
