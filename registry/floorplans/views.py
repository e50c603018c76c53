"""JSON faces for floor plans: upload, control points, metadata. Tiles are served by
`tiles` at /tiles/floorplans/{id}/{z}/{x}/{y}.png; the old URL here redirects there."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from geo import authority
from geo.scope import PUBLIC, Scope, scope_for_request
from registry.floorplans.models import FloorPlan
from registry.floorplans.selectors import floor_plan_enterprise_get, floor_plan_get
from registry.floorplans.services import floor_plan_georeference, floor_plan_upload
from registry.floorplans.tile_source import tile_url_template


def _caller(request: HttpRequest) -> Scope | None:
    """The caller's scope; None for anonymous callers (every face here needs a login)."""
    scope = scope_for_request(request)
    return None if scope == PUBLIC else scope


def _login_required() -> JsonResponse:
    return JsonResponse({"error": _("请先登录")}, status=401)


def _not_found() -> JsonResponse:
    return JsonResponse({"error": _("未找到")}, status=404)


def _forbidden() -> JsonResponse:
    return JsonResponse({"error": _("只有企业本身或其监管部门可以上传和配准平面图")}, status=403)


def _invalid(error: ValidationError) -> JsonResponse:
    return JsonResponse({"error": " ".join(error.messages)}, status=400)


def tiles_url(plan: FloorPlan) -> str:
    return tile_url_template(plan.pk)


def plan_version(plan: FloorPlan) -> int:
    """Changes whenever the plan is saved; tile URLs carry it to bust caches."""
    return int(plan.updated.timestamp() * 1_000_000)


def plan_payload(plan: FloorPlan) -> dict:
    return {
        "id": plan.pk, "enterprise": plan.enterprise_id, "name": plan.name,
        "media_type": plan.media_type, "width": plan.width, "height": plan.height,
        "control_points": plan.control_points, "method": plan.fit_method,
        "transform": plan.transform, "residuals_m": plan.residuals_m, "rms_m": plan.rms_m,
        "extent_3857": plan.extent, "tiles": tiles_url(plan) if plan.cog else None,
        "version": plan_version(plan),
    }


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """Multipart: `enterprise` (id), `name`, `file`."""
    scope = _caller(request)
    if scope is None:
        return _login_required()
    try:
        enterprise_id = int(request.POST.get("enterprise", ""))
    except ValueError:
        return JsonResponse({"error": _("缺少参数 enterprise")}, status=400)
    enterprise = floor_plan_enterprise_get(scope=scope, enterprise_id=enterprise_id)
    if enterprise is None:
        return _not_found()
    if not authority.may_edit(request.user, enterprise):
        return _forbidden()
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse({"error": _("缺少上传文件")}, status=400)
    try:
        plan = floor_plan_upload(enterprise=enterprise, file=file,
                                 name=request.POST.get("name", "") or file.name)
    except ValidationError as error:
        return _invalid(error)
    return JsonResponse(plan_payload(plan), status=201)


@require_POST
def control_points(request: HttpRequest, plan_id: int) -> JsonResponse:
    """JSON body `{"control_points": [{"col", "row", "lon", "lat"}, …],
    "method": "affine" | "polynomial"}` (affine when left out)."""
    scope = _caller(request)
    if scope is None:
        return _login_required()
    plan = floor_plan_get(scope=scope, plan_id=plan_id)
    if plan is None:
        return _not_found()
    if not authority.may_edit(request.user, plan):
        return _forbidden()
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("请求体不是有效的 JSON")}, status=400)
    try:
        if not isinstance(body, dict):
            raise ValidationError(_("请求体应为 JSON 对象"))
        plan = floor_plan_georeference(plan=plan, control_points=body.get("control_points"),
                                       method=body.get("method"))
    except ValidationError as error:
        return _invalid(error)
    return JsonResponse(plan_payload(plan))


@require_GET
def detail(request: HttpRequest, plan_id: int) -> JsonResponse:
    scope = _caller(request)
    if scope is None:
        return _login_required()
    plan = floor_plan_get(scope=scope, plan_id=plan_id)
    return _not_found() if plan is None else JsonResponse(plan_payload(plan))


@require_GET
def tile(request: HttpRequest, plan_id: int, z: int, x: int, y: int
         ) -> HttpResponsePermanentRedirect:
    """The old tile URL: raster tiles moved to `tiles` (one home for every tile)."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(
        f"/tiles/floorplans/{plan_id}/{z}/{x}/{y}.png" + (f"?{query}" if query else ""))
