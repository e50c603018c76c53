"""The page of enforcement figures (执法统计) `/enforcement/cases/analytics/`: one view
(by month, region, industry or handler) in the caller's scope, its bars, its drill-down
links and, by region, a map of the child divisions shaded by their cases. Thin."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enforcement.cases import analytics, charts
from geo.scope import scope_for_request
from layers import maps


@login_required
@require_GET
def case_analytics(request: HttpRequest) -> HttpResponse:
    """执法统计: one view of the figures (by month, region, industry or handler) in the
    caller's scope, with its bars and, by region, the map of the child divisions."""
    by = request.GET.get("by", "month")
    by = by if by in analytics.VIEWS else "month"
    where = analytics.Filters(prefix=request.GET.get("division", "").strip(),
                              industry=request.GET.get("industry", "").strip().upper(),
                              since=_day(request.GET.get("since")),
                              until=_day(request.GET.get("until")))
    rows = analytics.case_figures(scope=scope_for_request(request), by=by, where=where)
    linked = [(row, _drill(request, by, row.key, where)) for row in rows]
    context = {
        "by": by, "views": analytics.VIEWS.items(), "where": where, "rows": linked,
        "cases_chart": charts.hbars([(r.label, r.cases, link) for r, link in linked],
                                    measure="cases"),
        "amount_chart": charts.hbars([(r.label, r.amount, link) for r, link in linked],
                                     measure="amount"),
        "totals": {"cases": sum(r.cases for r in rows), "decided": sum(r.decided for r in rows),
                   "amount": sum((r.amount for r in rows), Decimal(0))},
        "map": _region_map(rows) if by == "region" else None,
    }
    return render(request, "enforcement/cases/analytics.html", context)


def _day(text: str | None):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _drill(request: HttpRequest, by: str, key: str, where) -> str:
    """The link one level down (a child division, a finer industry), else none."""
    if by == "region" and len(key) < 12 and key != where.prefix:
        return "?" + _query(request, division=key)
    if by == "industry" and key != "None" and analytics.next_industry(key):
        return "?" + _query(request, industry=key)
    return ""


def _query(request: HttpRequest, **changes) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _region_map(rows) -> maps.MapParts | None:
    """The child divisions coloured by their number of cases (darker: more)."""
    shapes = [maps.Shape(r.geojson, _shade(r.cases, rows), f"{r.label}：{r.cases}")
              for r in rows if r.geojson]
    return maps.page_map(element_id="cases-map", shapes=shapes, height=360,
                         bounds=_bounds(shapes)) if shapes else None


SHADES = ["#f2e5f5", "#d7b4df", "#b97cc6", "#8E24AA", "#5c1570"]


def _shade(n: int, rows) -> str:
    top = max(r.cases for r in rows) or 1
    return SHADES[min(len(SHADES) - 1, (n * len(SHADES)) // (top + 1))]


def _bounds(shapes: list[maps.Shape]) -> list[float] | None:
    points = [tuple(p) for s in shapes for p in _coordinates(json.loads(s.geojson))]
    return maps.points_bounds(points)


def _coordinates(geometry: dict):
    def walk(node):
        if node and isinstance(node[0], (int, float)):
            yield node[:2]
        else:
            for child in node:
                yield from walk(child)
    return walk(geometry.get("coordinates", []))
