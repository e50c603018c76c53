"""The operation page (系统运行监测, /monitoring/operation/): online rate per enterprise or
division in the caller's scope with drill-down by division, the data-quality table, and
the outage log (设备异常日志) with its filters. Thin: the figures come from selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from geo.querystrings import query_with
from geo.scope import scope_for_request
from monitoring.operation import selectors
from monitoring.operation.filters import LEVEL_LABELS, child_level, operation_query
from monitoring.operation.models import OutageCause
from monitoring.operation.rates import OperationRow

LOG_PAGE = 50
# The ingest's reasons for an invalid reading (ingest/records.py); an agent's own quality
# reason is shown as it came.
REASONS = {"out_of_range": _("超量程"), "bad_time": _("时间无法解析"),
           "future_time": _("时间超前"), "not_a_number": _("非数值"),
           "not_finite": _("非有限数"), "bad": _("质量位无效"), "uncertain": _("质量位可疑")}


@login_required
@require_GET
def operation(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    now = timezone.now()
    levels = selectors.operation_levels(scope=scope)
    query, form = operation_query(request.GET, scope=scope, levels=levels,
                                  today=timezone.localdate())
    rows = selectors.operation_rows(scope=scope, level=query.level, start=query.log.start,
                                    end=query.log.end, now=now, within=query.within)
    log = Paginator(selectors.outages_list(scope=scope, where=query.log), LOG_PAGE) \
        .get_page(request.GET.get("page"))
    return render(request, "monitoring/operation/operation.html", {
        "form": form, "q": query, "now": now,
        "levels": [(n, LEVEL_LABELS[n], _url(request, level=n), n == query.level)
                   for n in levels],
        "crumbs": [(p, name, _url(request, within=p, level=None)) for p, name in
                   selectors.division_trail(scope=scope, within=query.within, top=query.top)],
        "rows": [_row(request, query.level, r) for r in rows],
        "totals": (sum(r.gateways for r in rows), sum(r.online_now for r in rows)),
        "child": LEVEL_LABELS.get(child_level(query.level) or "", ""),
        "page": log, "causes": OutageCause.choices,
        "outages": [(o, _hours(o.duration.total_seconds()) if o.ended else
                     _hours((now - o.started).total_seconds())) for o in log.object_list],
    })


def _url(request: HttpRequest, **changes) -> str:
    return "?" + query_with(request, **changes)


def _row(request: HttpRequest, level: str, row: OperationRow) -> dict:
    below = child_level(level)
    link = reverse("enterprise_detail", args=[int(row.key)]) if below is None \
        else _url(request, level=below, within=row.key)
    reasons = "、".join(f"{REASONS.get(reason, reason)} {n}"
                       for reason, n in sorted(row.invalid.items()))
    return {"row": row, "link": link, "drill": below is not None,
            "rate": _percent(row.rate), "down_hours": _hours(row.down_seconds),
            "reasons": reasons}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f}"
