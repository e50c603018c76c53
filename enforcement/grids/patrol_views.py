"""Patrol pages (巡查), made for a phone: start a round in one of the user's cells, report
track points (JSON from the page's geolocation), check in at an enterprise with a note and
photos, end the round. Thin: reads in selectors, writes in services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.grids import selectors, services
from enforcement.grids.maps import patrol_map
from enforcement.grids.patrols import checkin_metres
from enforcement.grids.views import _refused
from geo.scope import scope_for_request
from geo.uploads import photo_response


def _point(data) -> Point | None:
    try:
        return Point(float(data.get("lon")), float(data.get("lat")), srid=4326)
    except (TypeError, ValueError):
        return None


def _patrol(request: HttpRequest, pk: int):
    patrol = selectors.patrol_get(scope=scope_for_request(request), pk=pk)
    if patrol is None:
        raise Http404(_("未找到该巡查"))
    return patrol


@login_required
@require_http_methods(["GET", "POST"])
def patrols(request: HttpRequest) -> HttpResponse:
    cells = list(selectors.my_cells(user=request.user))
    if request.method == "POST":
        cell = next((c for c in cells if str(c.pk) == request.POST.get("cell")), None)
        try:
            if cell is None:
                raise PermissionDenied(_("只有该网格的责任人可以开始巡查"))
            patrol = services.patrol_start(user=request.user, cell=cell,
                                           point=_point(request.POST), now=timezone.now(),
                                           note=request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
            return redirect("grids:patrols")
        return redirect("grids:patrol", pk=patrol.pk)
    return render(request, "enforcement/grids/patrols.html", {
        "cells": cells, "patrols": selectors.patrols_of(user=request.user)})


@login_required
@require_GET
def patrol(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = _patrol(request, pk)
    mine = patrol.user_id == request.user.pk and patrol.ended_at is None
    scope = scope_for_request(request)
    assigned = list(selectors.assignments_in(scope=scope, cell=patrol.cell))
    checkins = list(patrol.checkins.select_related("enterprise").defer("enterprise__geom"))
    points = selectors.enterprise_points(scope=scope, ids=[a.enterprise_id for a in assigned])
    return render(request, "enforcement/grids/patrol.html", {
        "patrol": patrol, "mine": mine, "metres": checkin_metres(), "checkins": checkins,
        "photos": patrol.photos.all(), "assigned": assigned, "map": patrol_map(
            patrol, checkins=checkins, enterprises=points)})


@login_required
@require_POST
def track(request: HttpRequest, pk: int) -> JsonResponse:
    """`{"points": [[lon, lat], …]}` from the page; answers how many were added."""
    patrol = _patrol(request, pk)
    try:
        raw = json.loads(request.body or b"{}").get("points") or []
        points = [Point(float(x), float(y), srid=4326) for x, y in raw]
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"error": _("轨迹点格式无效")}, status=400)
    try:
        added = services.patrol_track_add(user=request.user, patrol=patrol, points=points)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"added": added})


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = _patrol(request, pk)
    enterprise_id = request.POST.get("enterprise", "")
    try:
        if not enterprise_id.isdigit() or not selectors.enterprises_readable(
                scope=scope_for_request(request)).filter(pk=int(enterprise_id)).exists():
            raise ValidationError(_("企业不存在或不在您的辖区"))
        row = services.checkin_make(user=request.user, patrol=patrol,
                                    enterprise_id=int(enterprise_id),
                                    point=_point(request.POST), now=timezone.now(),
                                    note=request.POST.get("note", ""),
                                    photos=request.FILES.getlist("photos"))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("打卡成功，距企业 %(d).0f 米") % {"d": row.distance_m})
    return redirect("grids:patrol", pk=patrol.pk)


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = _patrol(request, pk)
    try:
        if request.FILES.getlist("photos"):
            services.patrol_photo_add(user=request.user, patrol=patrol,
                                      photos=request.FILES.getlist("photos"))
        services.patrol_end(user=request.user, patrol=patrol, now=timezone.now(),
                            point=_point(request.POST), note=request.POST.get("note"))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    return redirect("grids:patrol", pk=patrol.pk)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    patrol = _patrol(request, pk)
    found = patrol.photos.filter(pk=photo_id).first()
    if found is None:
        raise Http404
    return photo_response(found.image)
