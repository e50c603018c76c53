"""Pages that change the one-enterprise file: edit (direct or proposed for review), the
review queue and review page, registration, cancellation and restore. Thin: reads go
through the scope helper, writes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geo import authority
from geo.models import Division
from geo.scope import scope_for_request
from layers.maps import Marker, page_map
from registry.enterprises import services
from registry.enterprises.forms import CancelForm, EnterpriseFileForm, FileForms, RejectForm
from registry.enterprises.geocoding import GeocoderUnavailable, geocode, geocoder_configured
from registry.enterprises.models import EditStatus, Enterprise, EnterpriseEdit
from registry.enterprises.review import file_conflicts, file_diff, file_snapshot

DEFAULT_POINT = (118.8, 32.0)  # no division to open on: the demo region's middle


def _enterprises(request: HttpRequest) -> QuerySet:
    return scope_for_request(request).filter(
        Enterprise.objects.all(), division_field="division_code", owner_field="organisation")


def _edits(request: HttpRequest) -> QuerySet:
    """Edits of enterprises in the caller's jurisdiction (enterprise users: none)."""
    return scope_for_request(request).filter(
        EnterpriseEdit.objects.select_related("enterprise", "submitted_by", "reviewed_by"),
        division_field="enterprise__division_code", owner_field=None)


def _require_supervisor(request: HttpRequest) -> None:
    user = request.user
    if not authority.is_supervisor(user):
        raise PermissionDenied(_("只有监管部门人员可以审核"))


def _map_context(enterprise: Enterprise | None, division_code: str | None) -> dict:
    """The location picker (位置标注): a page map whose marker writes the form's lon/lat,
    opened on the enterprise's division (drawn for orientation; the server checks that
    the point lies in it)."""
    division = None
    if division_code:
        division = (Division.objects.filter(code__in=_ancestor_codes(division_code))
                    .order_by("-code").only("geom").first())
    if enterprise is not None and enterprise.geom:
        point = enterprise.geom
    else:
        point = division.geom.point_on_surface if division else Point(*DEFAULT_POINT)
    picker = page_map(element_id="location-map", height=360,
                      marker=Marker(point.x, point.y, _("企业位置"), picker=("id_lon", "id_lat")),
                      outlines=[division.geom.geojson] if division else [],
                      bounds=list(division.geom.extent) if division else None,
                      center=(point.x, point.y), zoom=14)
    return {"location_map": picker, "geocoder": geocoder_configured()}


def _ancestor_codes(code: str) -> list[str]:
    """Codes of the divisions an enterprise's code lies in, padded to 12 digits."""
    return [code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]


def _geocode_into(request: HttpRequest, form) -> None:
    """Fill lon/lat from the address (the "按地址定位" button)."""
    try:
        point = geocode(request.POST.get("address", ""))
    except GeocoderUnavailable:
        messages.error(request, _("地理编码服务暂不可用，请在地图上标注位置"))
        return
    if point is None:
        messages.warning(request, _("未能根据地址找到位置，请在地图上标注"))
        return
    data = form.data.copy()
    data["lon"], data["lat"] = f"{point.x:.6f}", f"{point.y:.6f}"
    form.data = data
    messages.info(request, _("已根据地址定位，请核对地图上的位置后保存"))


# ---- edit --------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(_enterprises(request), pk=pk)
    direct = authority.supervises(request.user, enterprise)
    if not direct and not authority.owns(request.user, enterprise):
        raise PermissionDenied(_("无权修改该企业档案"))
    pending = enterprise.edits.filter(status=EditStatus.SUBMITTED).first()
    forms = FileForms(enterprise, request.POST if request.method == "POST" else None)
    if request.method == "POST" and "geocode" in request.POST:
        _geocode_into(request, forms.main)
    elif request.method == "POST" and forms.is_valid() and _save(request, enterprise, forms,
                                                                 direct):
        return redirect("enterprise_edit", pk=enterprise.pk)
    latest = enterprise.edits.exclude(status=EditStatus.SUBMITTED).first()
    return render(request, "registry/enterprises/edit.html", {
        "enterprise": enterprise, "forms": forms, "direct": direct, "pending": pending,
        "latest": latest, **_map_context(enterprise, enterprise.division_code)})


def _save(request: HttpRequest, enterprise: Enterprise, forms: FileForms, direct: bool) -> bool:
    proposed = forms.proposed()
    if proposed["enterprise"]["geom"] is None:
        proposed["enterprise"]["geom"] = file_snapshot(enterprise)["enterprise"]["geom"]
    try:
        if direct:
            services.enterprise_file_update(actor=request.user, enterprise=enterprise,
                                            proposed=proposed)
            messages.success(request, _("企业档案已保存"))
        else:
            services.enterprise_edit_submit(actor=request.user, enterprise=enterprise,
                                            proposed=proposed)
            messages.success(request, _("变更申请已提交，等待监管部门审核"))
    except ValidationError as error:
        forms.add_errors(error)
        return False
    return True


# ---- review ------------------------------------------------------------------------
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    status = request.GET.get("status", EditStatus.SUBMITTED)
    if status not in EditStatus.values:
        status = EditStatus.SUBMITTED
    edits = list(_edits(request).filter(status=status)[:200])
    rows = [(edit, len(file_diff(edit.base, edit.proposed))) for edit in edits]
    return render(request, "registry/enterprises/review_list.html", {
        "rows": rows, "status": status, "statuses": EditStatus.choices})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_supervisor(request)
    edit = get_object_or_404(_edits(request), pk=pk)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                services.enterprise_edit_approve(reviewer=request.user, edit=edit)
                messages.success(request, _("已通过，变更已写入企业档案"))
                return redirect("enterprise_review_list")
            if reject_form.is_valid():
                services.enterprise_edit_reject(reviewer=request.user, edit=edit,
                                                reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("已驳回"))
                return redirect("enterprise_review_list")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        edit.refresh_from_db()
    conflicts = []
    if edit.status == EditStatus.SUBMITTED:
        conflicts = file_conflicts(base=edit.base, proposed=edit.proposed,
                                   current=file_snapshot(edit.enterprise))
    return render(request, "registry/enterprises/review_detail.html", {
        "edit": edit, "changes": file_diff(edit.base, edit.proposed),
        "conflict_paths": {c.path for c in conflicts}, "reject_form": reject_form})


# ---- registration, cancellation, restore -------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def enterprise_register(request: HttpRequest) -> HttpResponse:
    _require_supervisor(request)
    form = EnterpriseFileForm(request.POST or None, instance=Enterprise())
    if request.method == "POST" and "geocode" in request.POST:
        _geocode_into(request, form)
    elif request.method == "POST" and form.is_valid():
        values = {n: form.cleaned_data[n] for n in EnterpriseFileForm.Meta.fields}
        data = form.cleaned_data
        point = None
        if data.get("lon") is not None and data.get("lat") is not None:
            from django.contrib.gis.geos import Point

            point = Point(data["lon"], data["lat"], srid=4326)
        try:
            enterprise = services.enterprise_register(actor=request.user, values=values,
                                                      point=point)
        except PermissionDenied:
            form.add_error("division_code", _("区划代码不在您的管辖范围内"))
        except ValidationError as error:
            FileForms.add_errors(_MainOnly(form), error)
        else:
            messages.success(request, _("企业已登记"))
            return redirect("enterprise_edit", pk=enterprise.pk)
    division_code = form.data.get("division_code") if form.is_bound else None
    return render(request, "registry/enterprises/register.html", {
        "form": form, **_map_context(None, division_code or _home_code(request))})


class _MainOnly:
    """Lets FileForms.add_errors put errors on a lone main form."""

    def __init__(self, form):
        self.main, self.profiles, self.children = form, {}, {}


def _home_code(request: HttpRequest) -> str | None:
    return request.user.division_id


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(_enterprises(request), pk=pk)
    if not authority.supervises(request.user, enterprise):
        raise PermissionDenied(_("无权核销该企业"))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_cancel(actor=request.user, enterprise=enterprise,
                                       on=form.cleaned_data["on"],
                                       reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items() if hasattr(
                    error, "error_dict") else [(None, error.messages)]:
                form.add_error(field, errors)
        else:
            messages.success(request, _("企业已核销"))
            return redirect("enterprise_edit", pk=enterprise.pk)
    return render(request, "registry/enterprises/cancel.html",
                  {"enterprise": enterprise, "form": form})


@login_required
@require_POST
def enterprise_restore(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(_enterprises(request), pk=pk)
    if not authority.supervises(request.user, enterprise):
        raise PermissionDenied(_("无权恢复该企业"))
    try:
        services.enterprise_restore(actor=request.user, enterprise=enterprise)
        messages.success(request, _("企业已恢复在册"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("enterprise_edit", pk=enterprise.pk)
