"""Licence warnings page (证照到期预警): the caller's licences by expiry stage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from geo.scope import scope_for_request
from registry.licences.selectors import ExpiryStage, licences_expiring


@login_required
def licence_warnings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    stage = request.GET.get("stage") or ""
    qs = licences_expiring(scope=scope_for_request(request), today=today, warned_only=True)
    counts = dict(qs.order_by().values_list("warning_stage").annotate(n=Count("id")))
    if stage in ExpiryStage.values:
        qs = qs.filter(warning_stage=stage)
    page = Paginator(qs.select_related("enterprise"), 50).get_page(request.GET.get("page"))
    stages = [(s.value, s.label, counts.get(s.value, 0)) for s in ExpiryStage]
    return render(request, "registry/licences/warnings.html",
                  {"page": page, "stages": stages, "stage": stage, "today": today})
