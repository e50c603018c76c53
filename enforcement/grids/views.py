"""Pages of the responsibility grids: the grids in the caller's scope by level (drill-down),
one cell (its people and their history, its enterprises and 确权), the assignments waiting
for a user, an enterprise's own grid, and the statistics. Thin: reads in selectors (in the
caller's scope), writes in services (the write gate decides)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.grids import selectors, services
from enforcement.grids.assignment import claim_actions, grid_assign_by
from enforcement.grids.models import Duty, GridMember, ZoneMember
from enforcement.grids.stats import Period
from geo import authority
from geo.models import User
from geo.scope import scope_for_request

LEVELS = (1, 2, 3, 4)


def _refused(request: HttpRequest, error: Exception) -> None:
    """A service's refusal as page messages, each named by its field's label."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    elif isinstance(error, ValidationError):
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.error(request, str(error) or _("无权进行此操作"))


def _cell(request: HttpRequest, pk: int):
    cell = selectors.cell_get(scope=scope_for_request(request), pk=pk)
    if cell is None:
        raise Http404(_("未找到该网格"))
    return cell


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return default


def _level(value: str | None) -> int:
    return int(value) if value in {str(n) for n in LEVELS} else 1


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Grids by level (drill-down from a cell to its children), the user's own cells."""
    scope = scope_for_request(request)
    parent = selectors.cell_get(scope=scope, pk=int(request.GET["parent"])) \
        if request.GET.get("parent", "").isdigit() else None
    level = parent.level + 1 if parent else _level(request.GET.get("level"))
    return render(request, "enforcement/grids/index.html", {
        "level": level, "levels": LEVELS, "parent": parent,
        "cells": selectors.cells_at_level(scope=scope, level=level,
                                          parent_id=parent.pk if parent else None),
        "mine": selectors.my_cells(user=request.user),
        "supervisor": authority.is_supervisor(request.user)})


@login_required
@require_GET
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    cell = _cell(request, pk)
    user = request.user
    rows = list(selectors.assignments_in(scope=scope_for_request(request), cell=cell))
    return render(request, "enforcement/grids/cell.html", {
        "cell": cell, "members": selectors.members_of(cell=cell), "duties": Duty.choices,
        "keeps": authority.supervises(user, cell), "today": timezone.localdate(),
        "assignments": claim_actions(user, rows),
        "children": selectors.cells_at_level(scope=scope_for_request(request),
                                             level=cell.level + 1, parent_id=cell.pk)
        if cell.level < 4 else []})


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    cell = _cell(request, pk)
    account = request.POST.get("username", "").strip()
    user = User.objects.filter(username=account).first() if account else None
    try:
        if account and user is None:
            raise ValidationError(_("账号不存在"))
        services.grid_member_add(
            actor=request.user, cell=cell, name=request.POST.get("name", ""),
            duty=request.POST.get("duty", ""), phone=request.POST.get("phone", ""),
            started=_date(request.POST.get("started"), timezone.localdate()), user=user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("网格责任人已添加"))
    return redirect("grids:cell", pk=cell.pk)


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    row = GridMember.objects.select_related("cell").filter(pk=pk).first()
    if row is None or selectors.cell_get(scope=scope_for_request(request),
                                         pk=row.cell_id) is None:
        raise Http404
    try:
        services.grid_member_end(actor=request.user, member=row, ended=_date(
            request.POST.get("ended"), timezone.localdate()))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect("grids:cell", pk=row.cell_id)


@login_required
@require_POST
def assign(request: HttpRequest) -> HttpResponse:
    """A supervisor re-runs the assignment by location over their jurisdiction."""
    try:
        counts = grid_assign_by(user=request.user, now=timezone.now())
    except PermissionDenied as error:
        _refused(request, error)
    else:
        messages.success(request, _("重新划分完成：划入 %(assigned)d 家，移出 %(dropped)d 家")
                         % counts)
    return redirect("grids:assignments")


@login_required
@require_GET
def assignments(request: HttpRequest) -> HttpResponse:
    """What waits for the user: to confirm (grid people), disputes to decide (county)."""
    user = request.user
    pending = selectors.assignments_to_confirm(user=user)
    disputed = selectors.assignments_disputed(user=user)

    def rows(qs):
        if qs is None:
            return None
        qs = qs.select_related("enterprise", "cell").defer("enterprise__geom", "cell__geom")
        return claim_actions(user, qs.order_by("cell__code", "enterprise__name")[:200])
    cells = selectors.cells_scoped(scope=scope_for_request(request)).filter(
        level__gte=2).defer("geom").order_by("code") if disputed is not None else []
    pending_rows = rows(pending)
    if not pending_rows and not selectors.my_cells(user=user).exists():
        pending_rows = None  # a supervisor named on no grid: nothing to confirm
    return render(request, "enforcement/grids/assignments.html", {
        "pending": pending_rows, "disputed": rows(disputed), "cells": cells,
        "supervisor": authority.is_supervisor(user)})


CLAIMS = {"confirm": services.assignment_confirm, "dispute": services.assignment_dispute,
          "uphold": services.assignment_uphold, "reassign": services.assignment_reassign}


@login_required
@require_POST
def claim(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    take = CLAIMS.get(action)
    row = selectors.assignment_get(scope=scope_for_request(request), pk=pk)
    if take is None or row is None:
        raise Http404
    kwargs = {"user": request.user, "assignment": row}
    if action != "confirm":
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        if action == "reassign":
            pk = request.POST.get("cell", "")
            kwargs["cell"] = selectors.cell_get(scope=scope_for_request(request),
                                                pk=int(pk)) if pk.isdigit() else None
        take(**kwargs)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("已处理：%(name)s") % {"name": row.enterprise.name})
    return redirect(request.POST.get("next") or "grids:assignments")


# ---- an enterprise's own grid ------------------------------------------------------------
def _own(request: HttpRequest):
    enterprise = selectors.enterprise_mine(scope=scope_for_request(request), user=request.user)
    if enterprise is None:
        raise PermissionDenied(_("企业网格由企业自行维护"))
    return enterprise


@login_required
def zones(request: HttpRequest) -> HttpResponse:
    enterprise = _own(request)
    scope = scope_for_request(request)
    zone_rows, members = selectors.zones_of(scope=scope, enterprise_id=enterprise.pk)
    if request.method == "POST":
        parent = next((z for z in zone_rows if str(z.pk) == request.POST.get("parent")), None)
        try:
            services.zone_save(actor=request.user, enterprise=enterprise,
                               name=request.POST.get("name", ""), parent=parent)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
        return redirect("grids:zones")
    return render(request, "enforcement/grids/zones.html", {
        "enterprise": enterprise, "zones": zone_rows, "members": members,
        "duties": Duty.choices, "today": timezone.localdate(),
        "grid": selectors.enterprise_grid(enterprise.pk, scope=scope)})


@login_required
@require_POST
def zone_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _own(request)
    zone_rows, _members = selectors.zones_of(scope=scope_for_request(request),
                                             enterprise_id=enterprise.pk)
    zone = next((z for z in zone_rows if z.pk == pk), None)
    if zone is None:
        raise Http404
    try:
        services.zone_member_add(actor=request.user, zone=zone, name=request.POST.get("name", ""),
                                 duty=request.POST.get("duty", ""),
                                 phone=request.POST.get("phone", ""),
                                 started=_date(request.POST.get("started"),
                                               timezone.localdate()))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect("grids:zones")


@login_required
@require_POST
def zone_member_end(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _own(request)
    row = ZoneMember.objects.filter(pk=pk, enterprise=enterprise).first()
    if row is None:
        raise Http404
    try:
        services.zone_member_end(actor=request.user, member=row,
                                 ended=_date(request.POST.get("ended"), timezone.localdate()))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect("grids:zones")


# ---- statistics ----------------------------------------------------------------------------
@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    """The figures and score of each cell of a level, drilled down from a parent cell."""
    scope = scope_for_request(request)
    today = timezone.localdate()
    since = _date(request.GET.get("since"), today - datetime.timedelta(days=29))
    until = _date(request.GET.get("until"), today)
    parent = selectors.cell_get(scope=scope, pk=int(request.GET["parent"])) \
        if request.GET.get("parent", "").isdigit() else None
    level = min(parent.level + 1, 4) if parent else _level(request.GET.get("level"))
    period = Period(_start(since), _start(until + datetime.timedelta(days=1)))
    return render(request, "enforcement/grids/stats.html", {
        "rows": selectors.grid_figures(scope=scope, level=level, period=period,
                                       parent_id=parent.pk if parent else None),
        "terms": selectors.grid_terms(), "level": level, "levels": LEVELS, "parent": parent,
        "since": since, "until": until})


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

