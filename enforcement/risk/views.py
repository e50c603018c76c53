"""Pages of risk grading (mounted at /enforcement/risk/): the risk points in the caller's
scope, a point's file (assessments, measures, control log), creating one from the library
or blank, the enterprise's control list (风险分级管控清单, page and export), the library
and the grading rules. Thin: reads in selectors, writes in services; a point outside the
caller's scope is a 404, a write they may not make a 403."""

from __future__ import annotations

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.risk import methods, selectors, services
from enforcement.risk.forms import (
    AssessForm,
    CheckForm,
    ControlLevelForm,
    MeasureForm,
    PointForm,
    RulesForm,
)
from enforcement.risk.maps import point_map, points_map
from enforcement.risk.models import ControlMeasure, Industry, RiskPoint
from enforcement.risk.rules import DEFAULT, rules_for
from geo import authority
from geo.scope import scope_for_request, scope_for_user
from layers.exports import TABLE_FORMATS, export_response, export_table
from registry.enterprises.selectors import enterprise_get, enterprise_own
from registry.floorplans.selectors import enterprise_floor_plans

PAGE = 50


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() else None


def point_or_404(request: HttpRequest, pk: int) -> RiskPoint:
    point = selectors.risk_point_get(scope=scope_for_request(request), pk=pk)
    if point is None:
        raise Http404(_("未找到该风险点"))
    return point


def enterprise_or_404(request: HttpRequest, pk: int | None):
    """The enterprise named (in scope), else the caller's own; 404 if neither."""
    scope = scope_for_request(request)
    found = enterprise_get(scope=scope, pk=pk) if pk else enterprise_own(scope=scope,
                                                                          user=request.user)
    if found is None:
        raise Http404(_("未找到该企业"))
    return found


def errors_to_messages(request: HttpRequest, error: ValidationError, form=None) -> None:
    for name, problems in getattr(error, "message_dict", {"": error.messages}).items():
        field = form.fields.get(name) if form is not None else None
        label = str(field.label) if field is not None else name if name != "__all__" else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    level = _int(request.GET.get("level"))
    rows = selectors.risk_points_scoped(scope=scope).select_related("enterprise") \
        .order_by("level", "enterprise__name", "name")
    if level:
        rows = rows.filter(level=level)
    own = enterprise_own(scope=scope, user=request.user)
    return render(request, "enforcement/risk/list.html", {
        "page": Paginator(rows, PAGE).get_page(request.GET.get("page")), "level": level,
        "levels": methods.Level.choices, "own": own,
        "may_create": own is not None and authority.may_edit(request.user, own)})


@login_required
@require_http_methods(["GET", "POST"])
def point_new(request: HttpRequest) -> HttpResponse:
    """A new point of the enterprise (`?enterprise=`, else the caller's own), blank or
    from a library entry (`?library=`), placed by clicking the map or drawing an outline."""
    enterprise = enterprise_or_404(request, _int(request.GET.get("enterprise")))
    if not authority.may_edit(request.user, enterprise):
        raise PermissionDenied(_("无权为该企业新建风险点"))
    entry = selectors.library_points().filter(pk=_int(request.GET.get("library"))).first()
    initial = {"lon": enterprise.geom.x, "lat": enterprise.geom.y}
    if entry is not None:
        initial |= {"name": entry.name, "kind": entry.kind,
                    "hazard_factors": entry.hazard_factors,
                    "accident_types": entry.accident_types}
    plans = enterprise_floor_plans(scope=scope_for_request(request), enterprise=enterprise)
    form = PointForm(request.POST or None, initial=initial, plans=plans)
    if request.method == "POST" and form.is_valid():
        point = _create(request, form, enterprise, entry, plans)
        if point is not None:
            messages.success(request, _("风险点已建立，请进行风险评价"))
            return redirect("risk:detail", pk=point.pk)
    return render(request, "enforcement/risk/form.html", {
        "form": form, "enterprise": enterprise, "entry": entry, "point": None,
        "map": point_map(enterprise=enterprise, point=None, plans=plans, picker=True)},
        status=400 if request.method == "POST" else 200)


def _fields(form: PointForm, plans) -> dict:
    data = {k: form.cleaned_data[k] for k in PointForm.Meta.fields}
    chosen = form.cleaned_data.get("floor_plan")
    data["floor_plan"] = next((p for p in plans if p.pk == chosen), None)
    return data


def _create(request, form: PointForm, enterprise, entry, plans) -> RiskPoint | None:
    try:
        geom, fields = form.geometry(), _fields(form, plans)
        if entry is not None:
            return services.risk_point_from_library(
                user=request.user, enterprise=enterprise, entry=entry, geom=geom, **fields)
        return services.risk_point_create(user=request.user, enterprise=enterprise,
                                          geom=geom, **fields)
    except ValidationError as error:
        errors_to_messages(request, error, form)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = point_or_404(request, pk)
    if not authority.may_edit(request.user, point):
        raise PermissionDenied(_("无权修改该风险点"))
    plans = enterprise_floor_plans(scope=scope_for_request(request), enterprise=point.enterprise)
    form = PointForm(request.POST or None, instance=point, plans=plans, initial={
        "lon": point.geom.x, "lat": point.geom.y, "floor_plan": point.floor_plan_id,
        "outline": point.outline.geojson if point.outline else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_point_update(user=request.user, point=point,
                                       geom=form.geometry(), **_fields(form, plans))
        except ValidationError as error:
            errors_to_messages(request, error, form)
        else:
            return redirect("risk:detail", pk=point.pk)
    return render(request, "enforcement/risk/form.html", {
        "form": form, "enterprise": point.enterprise, "entry": None, "point": point,
        "map": point_map(enterprise=point.enterprise, point=point, plans=plans, picker=True)},
        status=400 if request.method == "POST" else 200)


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = point_or_404(request, pk)
    may_edit = authority.may_edit(request.user, point)
    measures = list(selectors.risk_point_measures(point))
    plans = enterprise_floor_plans(scope=scope_for_request(request), enterprise=point.enterprise)
    return render(request, "enforcement/risk/detail.html", {
        "point": point, "may_edit": may_edit, "measures": measures,
        "kinds_missing": [dict(services.MeasureKind.choices)[k] for k in
                          services.measure_kinds_missing(m.kind for m in measures if m.active)],
        "assessments": selectors.risk_point_assessments(point),
        "log": selectors.control_log(point), "rules": rules_for(point.division_code),
        "assess_forms": [(m, label, AssessForm(method=m, prefix=m.lower()))
                         for m, label in methods.Method.choices] if may_edit else [],
        "measure_form": MeasureForm(), "check_form": CheckForm(),
        "level_form": ControlLevelForm(initial={
            "control_level": point.control_level if point.control_level_chosen else ""}),
        "map": point_map(enterprise=point.enterprise, point=point, plans=plans)})


@login_required
@require_POST
def point_assess(request: HttpRequest, pk: int, method: str) -> HttpResponse:
    point = point_or_404(request, pk)
    if method not in methods.Method.values:
        raise Http404
    form = AssessForm(request.POST, method=method, prefix=method.lower())
    if not form.is_valid():
        errors_to_messages(request, ValidationError(form.errors.as_data()), form)
        return redirect("risk:detail", pk=point.pk)
    try:
        row = services.risk_point_assess(
            user=request.user, point=point, stage=form.cleaned_data["stage"], method=method,
            factors=form.factors(), reason=form.cleaned_data["reason"])
    except ValidationError as error:
        errors_to_messages(request, error, form)
    else:
        messages.success(request, _("已评价：%(m)s 得分 %(s)s，%(l)s") % {
            "m": method, "s": methods.plain(row.score), "l": row.get_level_display()})
    return redirect("risk:detail", pk=point.pk)


@login_required
@require_POST
def point_control_level(request: HttpRequest, pk: int) -> HttpResponse:
    point = point_or_404(request, pk)
    form = ControlLevelForm(request.POST)
    if form.is_valid():
        services.risk_point_set_control_level(user=request.user, point=point,
                                              control_level=form.cleaned_data["control_level"])
    return redirect("risk:detail", pk=point.pk)


@login_required
@require_POST
def point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    point = point_or_404(request, pk)
    enterprise_id = point.enterprise_id
    services.risk_point_delete(user=request.user, point=point)
    messages.success(request, _("风险点已删除"))
    return redirect("risk:control_list", enterprise_id=enterprise_id)


@login_required
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = point_or_404(request, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.control_measure_add(user=request.user, point=point, **form.cleaned_data)
        except ValidationError as error:
            errors_to_messages(request, error, form)
    else:
        errors_to_messages(request, ValidationError(form.errors.as_data()), form)
    return redirect("risk:detail", pk=point.pk)


def _measure(request: HttpRequest, mid: int) -> ControlMeasure:
    measure = ControlMeasure.objects.filter(pk=mid).first()
    if measure is None or selectors.risk_point_get(scope=scope_for_request(request),
                                                   pk=measure.point_id) is None:
        raise Http404(_("未找到该管控措施"))
    return measure


@login_required
@require_POST
def measure_active(request: HttpRequest, mid: int) -> HttpResponse:
    measure = _measure(request, mid)
    services.control_measure_update(user=request.user, measure=measure,
                                    active=not measure.active)
    return redirect("risk:detail", pk=measure.point_id)


@login_required
@require_POST
def measure_check(request: HttpRequest, mid: int) -> HttpResponse:
    measure = _measure(request, mid)
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.control_check_record(user=request.user, measure=measure,
                                          **form.cleaned_data)
        except ValidationError as error:
            errors_to_messages(request, error, form)
        else:
            messages.success(request, _("管控记录已保存"))
    return redirect("risk:detail", pk=measure.point_id)


@login_required
def control_list(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """风险分级管控清单: the page, or `?f=xlsx|csv` through the one exporter."""
    scope = scope_for_request(request)
    enterprise = enterprise_or_404(request, enterprise_id)
    points = selectors.control_list(scope=scope, enterprise_id=enterprise.pk)
    fmt = request.GET.get("f", "")
    if fmt in TABLE_FORMATS:
        table = pd.DataFrame(selectors.control_list_rows(points))
        return export_response(
            lambda directory: export_table(table, "risk_control_list", scope, fmt, directory,
                                           request=request), fmt,
            filename=f"{enterprise.name}风险分级管控清单.{fmt}")
    return render(request, "enforcement/risk/control_list.html", {
        "enterprise": enterprise, "points": points,
        "may_create": authority.may_edit(request.user, enterprise),
        "map": points_map(enterprise=enterprise, points=points)})


@login_required
def enterprises_unidentified(request: HttpRequest) -> HttpResponse:
    """Enterprises in scope that have identified no risk point (the work queue's page)."""
    rows = selectors.enterprises_without_points(scope_for_request(request))
    return _enterprises(request, rows, _("待辨识风险点的企业"))


@login_required
def enterprises_missing(request: HttpRequest) -> HttpResponse:
    """Enterprises with no risk point or a point without measures (精准执法 candidates)."""
    rows = selectors.enterprises_missing_measures(scope_for_request(request))
    return _enterprises(request, rows, _("风险管控措施缺失的企业"))


def _enterprises(request: HttpRequest, rows, title: str) -> HttpResponse:
    rows = rows.only("pk", "name", "address", "division_code")
    return render(request, "enforcement/risk/enterprises.html", {
        "page": Paginator(rows, PAGE).get_page(request.GET.get("page")), "title": title})


@login_required
def library(request: HttpRequest) -> HttpResponse:
    industry = request.GET.get("industry", "")
    industry = industry if industry in Industry.values else ""
    enterprise = _int(request.GET.get("enterprise"))
    return render(request, "enforcement/risk/library.html", {
        "entries": selectors.library_points(industry=industry,
                                            query=request.GET.get("q", "").strip()[:50]),
        "industry": industry, "industries": Industry.choices, "enterprise": enterprise,
        "q": request.GET.get("q", "")})


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The grading rules in force for the caller's area, and a new version for it."""
    division = getattr(request.user, "division", None)
    code = division.code if division else ""
    form = RulesForm(request.POST or None, initial={"area": _area_prefix(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.risk_rules_create(
                user=request.user, area=form.cleaned_data["area"].strip(),
                rules=form.rules(DEFAULT["MES"]), note=form.cleaned_data["note"])
        except ValidationError as error:
            errors_to_messages(request, error, form)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("已启用判定准则 %(v)s") % {"v": row})
            return redirect("risk:rules")
    current = rules_for(code)
    return render(request, "enforcement/risk/rules.html", {
        "form": form, "current": current, "may_create": authority.is_supervisor(request.user),
        "bands": [(m, label, methods.band_text(current.doc[m]))
                  for m, label in methods.Method.choices],
        "levels": dict(methods.Level.choices)})


def _area_prefix(user) -> str:
    return scope_for_user(user).prefix or ""
