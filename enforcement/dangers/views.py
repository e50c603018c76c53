"""Pages of hidden dangers (隐患排查治理): the list (an enterprise's own, or a supervisor's in
scope with filters), registering (by hand or from a monitoring warning), one danger with
its loop's steps, photos and 挂牌督办. Thin: reads through selectors, writes through
services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.dangers import selectors, services
from enforcement.dangers.forms import RegisterForm, SuperviseForm, step_form
from enforcement.dangers.handover import HANDOVER
from enforcement.dangers.loop import LOOP, SUPERVISION
from enforcement.dangers.models import DangerLevel, DangerState, HiddenDanger, Stage
from geo import authority
from geo.scope import scope_for_request
from geo.uploads import photo_response
from monitoring.alarms.selectors import warning_get
from registry.enterprises.selectors import enterprise_get, enterprise_own

PAGE = 50


def _danger(request: HttpRequest, pk: int) -> HiddenDanger:
    danger = selectors.danger_get(scope=scope_for_request(request), pk=pk)
    if danger is None:
        raise Http404(_("未找到该隐患"))
    return danger


def _errors(request: HttpRequest, error: ValidationError) -> None:
    """Each problem with the label of the field it concerns."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            messages.error(request, message)
        return
    for name, problems in error.message_dict.items():
        try:
            label = HiddenDanger._meta.get_field(name).verbose_name
        except Exception:
            label = _("照片") if name == "photos" else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


def _form_errors(request: HttpRequest, form) -> None:
    for name, problems in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


@login_required
def danger_list(request: HttpRequest) -> HttpResponse:
    scope, today = scope_for_request(request), timezone.localdate()
    g = request.GET
    filters = selectors.DangerFilters(
        level=g.get("level", "") if g.get("level") in DangerLevel.values else "",
        state=g.get("state", "") if g.get("state") in (*DangerState.values, "open") else "",
        overdue=g.get("overdue") == "1", division=g.get("division", "").strip()[:12],
        q=g.get("q", "").strip()[:50])
    rows = selectors.danger_list(scope=scope, filters=filters, today=today)
    todo = selectors.dangers_to_work(user=request.user) if g.get("todo") == "1" else None
    if todo is not None:  # the header queue's rows: those waiting for the enterprise's step
        rows = rows.filter(pk__in=todo.values("pk"))
    page = Paginator(rows, PAGE).get_page(g.get("page"))
    counts = selectors.danger_state_counts(scope=scope, today=today)
    return render(request, "enforcement/dangers/list.html", {
        "page": page, "filters": filters, "today": today, "counts": counts,
        "tabs": [(value, label, counts[value]) for value, label in DangerState.choices],
        "levels": DangerLevel.choices, "states": DangerState.choices,
        "own": enterprise_own(scope=scope, user=request.user),
        "overdue_ids": {d.pk for d in page if selectors.is_overdue(d, today)}})


def _register_enterprise(request: HttpRequest):
    """The enterprise the caller registers for: their own, or (a supervisor) the one named
    by `?enterprise=` in their scope."""
    scope = scope_for_request(request)
    own = enterprise_own(scope=scope, user=request.user)
    if own is not None:
        return own
    pk = request.GET.get("enterprise") or request.POST.get("enterprise")
    enterprise = enterprise_get(scope=scope, pk=int(pk)) if str(pk or "").isdigit() else None
    if enterprise is None or not authority.supervises(request.user, enterprise):
        raise PermissionDenied(_("请从本企业或所辖企业的档案登记隐患"))
    return enterprise


def _point(form) -> Point | None:
    lon, lat = form.cleaned_data.get("lon"), form.cleaned_data.get("lat")
    return Point(lon, lat, srid=4326) if lon is not None and lat is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def danger_new(request: HttpRequest) -> HttpResponse:
    enterprise = _register_enterprise(request)
    form = RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("lon", "lat")}
        try:
            danger = services.danger_register(
                enterprise=enterprise, user=request.user, geom=_point(form),
                photos=request.FILES.getlist("photos"), **values)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("隐患已登记"))
            return redirect("dangers:detail", pk=danger.pk)
    elif request.method == "POST":
        _form_errors(request, form)
    return render(request, "enforcement/dangers/new.html", {
        "form": form, "enterprise": enterprise, "warning": None})


@login_required
@require_http_methods(["GET", "POST"])
def from_warning(request: HttpRequest, warning_id: int) -> HttpResponse:
    """A monitoring warning turned into a hidden danger: the form pre-filled from it."""
    warning = warning_get(scope=scope_for_request(request), pk=warning_id)
    if warning is None:
        raise Http404(_("未找到该预警"))
    existing = selectors.danger_of_warning(warning_id=warning.pk)
    if existing is not None:
        messages.info(request, _("该预警已转为隐患"))
        return redirect("dangers:detail", pk=existing.pk)
    prefill = selectors.warning_prefill(warning)
    initial = {k: v for k, v in prefill.items() if k != "geom"}
    form = RegisterForm(request.POST or None, initial={
        **initial, "lon": prefill["geom"].x, "lat": prefill["geom"].y})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("lon", "lat")}
        values["geom"] = _point(form) or prefill["geom"]
        try:
            danger = services.danger_from_warning(warning.pk, request.user, **values)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("已由预警登记为隐患"))
            return redirect("dangers:detail", pk=danger.pk)
    elif request.method == "POST":
        _form_errors(request, form)
    return render(request, "enforcement/dangers/new.html", {
        "form": form, "enterprise": warning.enterprise, "warning": warning})


@login_required
def danger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    danger = _danger(request, pk)
    user = request.user
    actions = [{"action": a, "verb": LOOP.step(a).verb, "form": step_form(a, danger),
                "reason": LOOP.step(a).reason_required} for a in LOOP.actions(user, danger)]
    return render(request, "enforcement/dangers/detail.html", {
        "danger": danger, "actions": actions, "overdue": selectors.is_overdue(danger),
        "supervision_actions": SUPERVISION.actions(user, danger),
        "handover_actions": [(a, HANDOVER.step(a).verb, HANDOVER.step(a).reason_required)
                             for a in HANDOVER.actions(user, danger)],
        "supervise_form": SuperviseForm(),
        "photos_before": [p for p in danger.photos.all() if p.stage == Stage.BEFORE],
        "photos_after": [p for p in danger.photos.all() if p.stage == Stage.AFTER],
        "may_edit": authority.owns(user, danger) and danger.state in services.EDITABLE_STATES,
        "may_photo": authority.may_edit(user, danger),
        "steps": [(s, _verb(s.action)) for s in danger.steps.all()]})


def _verb(action: str) -> str:
    for flow in (LOOP, SUPERVISION, HANDOVER):
        if action in flow.steps:
            return str(flow.steps[action].verb)
    return action


@login_required
@require_http_methods(["GET", "POST"])
def danger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    danger = _danger(request, pk)
    if not authority.owns(request.user, danger):
        raise PermissionDenied(LOOP.refusals["owner"])
    form = RegisterForm(request.POST or None, instance=danger, initial={
        "lon": danger.geom.x, "lat": danger.geom.y})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items()
                  if k not in ("lon", "lat", "source")}
        try:
            services.danger_update(danger=_danger(request, pk), user=request.user,
                                   geom=_point(form), **values)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("dangers:detail", pk=pk)
    elif request.method == "POST":
        _form_errors(request, form)
    return render(request, "enforcement/dangers/new.html", {
        "form": form, "enterprise": danger.enterprise, "warning": None, "danger": danger})


def _act(request: HttpRequest, pk: int, verb, call) -> HttpResponse:
    """Take one step (`call`), say how it went, and go back to the danger's page."""
    try:
        call()
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已%(action)s") % {"action": verb})
    return redirect("dangers:detail", pk=pk)


@login_required
@require_POST
def danger_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    danger = _danger(request, pk)
    if action not in LOOP.steps or action == "register":
        raise Http404
    form = step_form(action, danger, request.POST)
    if form is not None and not form.is_valid():
        _form_errors(request, form)
        return redirect("dangers:detail", pk=pk)
    fields = form.cleaned_data if form is not None else {}
    return _act(request, pk, LOOP.step(action).verb, lambda: services.danger_step(
        danger=_danger(request, pk), action=action, user=request.user,
        reason=request.POST.get("reason", ""), **fields))


@login_required
@require_POST
def danger_supervision(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    danger = _danger(request, pk)
    if action == "lift":
        return _act(request, pk, SUPERVISION.step(action).verb, lambda: services.danger_lift(
            danger=danger, user=request.user, reason=request.POST.get("reason", "")))
    if action != "supervise":
        raise Http404
    form = SuperviseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("dangers:detail", pk=pk)
    return _act(request, pk, SUPERVISION.step(action).verb, lambda: services.danger_supervise(
        danger=danger, user=request.user, deadline=form.cleaned_data["deadline"],
        note=form.cleaned_data["note"]))


@login_required
@require_POST
def danger_handover(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    danger = _danger(request, pk)
    if action not in HANDOVER.steps:
        raise Http404
    return _act(request, pk, HANDOVER.step(action).verb, lambda: services.danger_handover(
        danger=danger, action=action, user=request.user,
        reason=request.POST.get("reason", "")))


@login_required
@require_POST
def photos_add(request: HttpRequest, pk: int) -> HttpResponse:
    danger = _danger(request, pk)
    return _act(request, pk, _("上传照片"), lambda: services.danger_photos_add(
        danger=danger, user=request.user, stage=request.POST.get("stage", ""),
        photos=request.FILES.getlist("photos")))


@login_required
def photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    row = selectors.danger_photo_get(scope=scope_for_request(request), danger_id=pk,
                                     photo_id=photo_id)
    if row is None:
        raise Http404
    return photo_response(row.image)
