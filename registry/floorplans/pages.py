"""HTML pages for floor plans: the map page listing the caller's plans (with the upload
form) and the georeferencing page (control points or corner drag). Thin: scope from
`geo.scope`, rows from the selectors, writes through the JSON views in `views.py`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rasterio.warp import transform as warp_transform

from geo.scope import scope_for_request
from layers.maps import Dot, page_map, points_bounds
from registry.floorplans.georeference import METHODS, WEB_MERCATOR, WGS84, apply_fit
from registry.floorplans.raster import encode_png, rgba_from_bytes
from registry.floorplans.selectors import (
    floor_plan_enterprise_choices,
    floor_plan_get,
    floor_plan_page_list,
)
from registry.floorplans.views import plan_payload, plan_version, tiles_url, upload

MAP_HEIGHT = 480
ENTERPRISE_COLOUR = "#C62828"


def index(request: HttpRequest) -> HttpResponse:
    """/floorplans/: GET the map page, POST an upload (JSON answer)."""
    if request.method == "POST":
        return upload(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return plan_map(request)


@login_required
def plan_map(request: HttpRequest) -> HttpResponse:
    """GET /floorplans/: the caller's plans over the map, and the upload form."""
    scope = scope_for_request(request)
    plans = list(floor_plan_page_list(scope=scope))
    placed = [{"id": p.pk, "name": p.name, "enterprise": p.enterprise.name,
               "extent": p.extent, "tiles": tiles_url(p),
               "version": plan_version(p)}
              for p in plans if p.cog and p.extent]
    return render(request, "registry/floorplans/map.html", {
        "plans": plans, "placed": placed,
        "map": page_map(element_id="fp-overview", height=MAP_HEIGHT),
        "enterprises": floor_plan_enterprise_choices(scope=scope, user=request.user),
    })


@require_GET
@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET /floorplans/{id}/edit: place the plan by point pairs or by its four corners."""
    plan = _plan_or_404(request, plan_id)
    geom = plan.enterprise.geom
    corners = _placed_corners(plan)
    return render(request, "registry/floorplans/edit.html", {
        "plan": plan, "labels": _edit_labels(),
        "methods": [(key, label, minimum) for key, (label, minimum) in METHODS.items()],
        "page_data": {"plan": plan_payload(plan), "enterprise": [geom.x, geom.y],
                      "corners": corners, "image": f"/floorplans/{plan.pk}/image.png"},
        # the picture in its own pixel frame (no base), and the map it is placed on
        "image_map": page_map(element_id="fp-image", base=False, height=MAP_HEIGHT),
        "geo_map": page_map(
            element_id="fp-map", height=MAP_HEIGHT, center=(geom.x, geom.y), zoom=17,
            dots=[Dot(geom.x, geom.y, ENTERPRISE_COLOUR, plan.enterprise.name)],
            bounds=points_bounds([tuple(c) for c in corners]) if corners else None),
    })


def _plan_or_404(request: HttpRequest, plan_id: int):
    plan = floor_plan_get(scope=scope_for_request(request), plan_id=plan_id)
    if plan is None:
        raise Http404(_("未找到"))
    return plan


def _placed_corners(plan) -> list[list[float]] | None:
    """[lon, lat] of the picture's corners (TL, TR, BR, BL) where the last fit put them."""
    if not plan.transform:
        return None
    xs, ys = apply_fit(plan.fit_method, plan.transform, [0, plan.width, plan.width, 0],
                       [0, 0, plan.height, plan.height])
    lons, lats = warp_transform(WEB_MERCATOR, WGS84, list(xs), list(ys))
    return [[lon, lat] for lon, lat in zip(lons, lats, strict=True)]


def _edit_labels() -> dict:
    return {"enterprise": _("企业位置"), "remove": _("删除"), "metres": _("米"),
            "corners": [_("左上角"), _("右上角"), _("右下角"), _("左下角")],
            "method": {key: str(label) for key, (label, _minimum) in METHODS.items()}}


@require_GET
@login_required
def plan_image(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's picture as the browser shows it (a GeoTIFF becomes a PNG)."""
    plan = _plan_or_404(request, plan_id)
    with plan.original.open("rb") as original:
        data = original.read()
    if plan.original.name.endswith((".png", ".jpg")):
        content_type = "image/jpeg" if plan.original.name.endswith(".jpg") else "image/png"
    else:
        data, content_type = encode_png(rgba_from_bytes(data)), "image/png"
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
