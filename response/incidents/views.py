"""Pages of incident intake (/response/incidents/): the list in the caller's scope, the
intake form (事件接报), one incident with its report chain, timeline, follow-up form
(事件续报, offline on a phone) and the steps up the levels; an incident from a warning."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from geo.offline import offline_once
from geo.scope import scope_for_request
from layers.maps import Marker, level_colour, page_map
from monitoring.alarms import selectors as alarm_selectors
from response.incidents import flow, selectors, services
from response.incidents.classification import Category, Level
from response.incidents.forms import IntakeForm, ReportForm
from response.incidents.keypoints import key_points
from response.incidents.models import Stage

PAGE = 50
TODO = {"receive": selectors.incidents_to_receive, "report": selectors.incidents_to_report}


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error)]
    return list(error.messages)


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def _date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


@login_required
@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.IncidentFilters(
        stage=g.get("stage", "") if g.get("stage", "") in [*Stage.values, "open"] else "",
        level=_int(g.get("level", "")), q=g.get("q", "").strip()[:100],
        category=g.get("category", "") if g.get("category", "") in Category.values else "",
        overdue=g.get("overdue") == "1", since=_date(g.get("since", "")),
        until=_date(g.get("until", "")))
    rows = selectors.incident_list(scope=scope_for_request(request), filters=filters,
                                   now=timezone.now())
    todo = TODO.get(g.get("todo", ""))
    if todo is not None:  # a header queue's rows: the same selector as its count
        mine = todo(user=request.user)
        rows = rows.filter(pk__in=mine.values("pk")) if mine is not None else rows.none()
    page = Paginator(rows, PAGE).get_page(g.get("page"))
    return render(request, "response/incidents/list.html", {
        "page": page, "filters": filters, "stages": Stage.choices, "levels": Level.choices,
        "categories": Category.choices, "now": timezone.now(), "todo": g.get("todo", ""),
        "may_receive": flow.user_level(request.user) is not None})


def _picker(request: HttpRequest, form: IntakeForm):
    """The point picker opened on the user's division (the form's lon/lat follow it)."""
    division = getattr(request.user, "division", None)
    point = division.geom.point_on_surface if division else None
    x, y = (point.x, point.y) if point else (118.78, 32.06)
    return page_map(element_id="incident-map", height=340,
                    marker=Marker(x, y, "", picker=("id_lon", "id_lat")),
                    outlines=[division.geom.geojson] if division else [],
                    bounds=list(division.geom.extent) if division else None,
                    center=(x, y), zoom=12)


@login_required
@require_http_methods(["GET", "POST"])
@offline_once  # 事件接报 from a phone on site, with or without a network
def incident_new(request: HttpRequest) -> HttpResponse:
    if flow.user_level(request.user) is None:
        raise PermissionDenied
    form = IntakeForm(request.POST or None, initial={
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "level": Level.ORDINARY})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            incident = services.incident_receive(
                user=request.user, title=d["title"], kind=d["kind"], point=form.point(),
                occurred_at=d["occurred_at"], report=form.report(), address=d["address"],
                reporter_phone=d["reporter_phone"], reporter_unit=d["reporter_unit"])
        except (ValidationError, PermissionDenied) as error:
            errors = _errors(error)
        else:
            return redirect("incidents:incident", incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "response/incidents/new.html", {
        "form": form, "errors": errors, "map": _picker(request, form)}, status=status)


def _incident(request: HttpRequest, pk: int):
    incident = selectors.incident_get(scope=scope_for_request(request), pk=pk)
    if incident is None:
        raise Http404
    return incident


@login_required
@require_GET
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _detail(request: HttpRequest, pk: int, *, form: ReportForm | None = None,
            errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    """One incident; also the answer of a refused follow-up or step (their POST)."""
    row = _incident(request, pk)
    point = row.geom
    reports = list(row.reports.all())
    latest = reports[-1] if reports else None
    form = form or ReportForm(initial={
        "level": row.level, "deaths": row.deaths, "injuries": row.injuries,
        "missing": row.missing, "trapped": row.trapped,
        "reporter": latest.reporter if latest else ""})
    return render(request, "response/incidents/detail.html", {
        "incident": row, "timeline": selectors.incident_timeline(row), "form": form,
        "errors": errors or [], "now": timezone.now(),
        "actions": [(a, flow.SUBMISSION.step(a).verb)
                    for a in flow.SUBMISSION.actions(request.user, row)],
        "may_follow_up": row.stage != Stage.CLOSED and services.may_follow_up(
            request.user, row),
        "map": page_map(element_id="incident-map", height=300,
                        marker=Marker(point.x, point.y, row.title), center=(point.x, point.y),
                        zoom=14),
        "colour": level_colour(row.level),
        "key_points": key_points(kind=row.kind, level=row.level)}, status=status)


@login_required
@require_POST
@offline_once  # 事件续报: the phone's follow-up, queued when there is no network
def incident_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    row = _incident(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.incident_follow_up(incident=row, user=request.user, report=form.report())
        except (ValidationError, PermissionDenied) as error:
            return _detail(request, pk, form=form, errors=_errors(error), status=400)
        return redirect("incidents:incident", pk)
    return _detail(request, pk, form=form, status=400)


@login_required
@require_POST
def incident_step(request: HttpRequest, pk: int) -> HttpResponse:
    row = _incident(request, pk)
    action = request.POST.get("action", "")
    if action not in flow.SUBMISSION.steps:
        return _detail(request, pk, errors=[_("无效的操作")], status=400)
    try:
        services.incident_step(incident=row, user=request.user, action=action,
                               reason=request.POST.get("reason", ""))
    except PermissionDenied as refused:
        return _detail(request, pk, errors=[str(refused)], status=403)
    except ValidationError as error:
        return _detail(request, pk, errors=_errors(error), status=400)
    return redirect("incidents:incident", pk)


@login_required
@require_http_methods(["GET", "POST"])
def from_warning(request: HttpRequest, warning_id: int) -> HttpResponse:
    """Open an incident from a monitoring warning (预警转事件) in one step."""
    scope = scope_for_request(request)
    warning = alarm_selectors.warning_get(scope=scope, pk=warning_id)
    if warning is None:
        raise Http404
    existing = selectors.incident_for_warning(scope=scope, warning_id=warning_id)
    if request.method == "POST":
        try:
            opened = services.incident_from_warning(warning_id, request.user)
        except (ValidationError, PermissionDenied) as error:
            return render(request, "response/incidents/from_warning.html", {
                "warning": warning, "existing": existing, "errors": _errors(error)},
                status=403 if isinstance(error, PermissionDenied) else 400)
        return redirect("incidents:incident", opened.pk)
    return render(request, "response/incidents/from_warning.html", {
        "warning": warning, "existing": existing, "errors": [],
        "may_receive": flow.user_level(request.user) is not None})
