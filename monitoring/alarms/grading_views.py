"""The grading page (报警处置考核, /monitoring/grading/): enterprises, counties, cities or
provinces in the caller's scope side by side on 消警处置及时率, 点位平均报警次数, 重复报警率,
平均消警时长 and 误报率; a division row drills down to its children; CSV / XLSX through the
one exporter (`layers.exports.export_table`); the sensors with the most false alarms."""

from __future__ import annotations

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.querystrings import query_with
from geo.scope import Scope, scope_for_request
from layers.exports import FORMATS, export_response, export_table
from monitoring.alarms import selectors
from monitoring.alarms.grading_filters import (
    COLUMNS,
    LEVEL_LABELS,
    GradingQuery,
    child_level,
    grading_query,
    rows_sorted,
)
from monitoring.alarms.metrics import GradingRow

PAGE_SIZE = 100  # rows of a province's enterprises come in pages; the export has them all


@login_required
@require_GET
def grading(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    levels = selectors.grading_levels(scope=scope)
    query, form = grading_query(request.GET, scope=scope, levels=levels,
                                today=timezone.localdate())
    rows = selectors.alarms_grading(scope=scope, level=query.level, period=query.period,
                                    now=timezone.now(), within=query.within)
    rows = rows_sorted(rows, key=query.sort, descending=query.descending)
    if query.fmt:
        return _export(request, scope, query, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/alarms/grading.html", {
        "form": form, "q": query,
        "levels": [(n, LEVEL_LABELS[n], _url(request, level=n), n == query.level)
                   for n in levels],
        "crumbs": [(p, name, _url(request, within=p, level=None)) for p, name in
                   selectors.division_trail(scope=scope, within=query.within, top=query.top)],
        "headers": _headers(request, query),
        "rows": [_row(request, query, row) for row in page.object_list],
        "page": page, "total": len(rows),
        "child": LEVEL_LABELS.get(child_level(query.level) or "", ""),
        "exports": [(fmt, _url(request, format=fmt)) for fmt in ("csv", "xlsx")],
        "sensors": [(s, _percent(s.false_rate)) for s in selectors.sensors_false_alarms(
            scope=scope, period=query.period, within=query.within)],
    })


def _url(request: HttpRequest, **changes) -> str:
    """This page with `changes` applied to its query (an export link is not kept)."""
    return "?" + query_with(request, drop=("format",), **changes)


def _headers(request: HttpRequest, query: GradingQuery) -> list[dict]:
    """Each column's heading and the link that sorts by it (again: the other way)."""
    out = []
    for key, label in COLUMNS:
        active = key == query.sort
        descending = not query.descending if active else key != "name"
        out.append({"key": key, "label": label, "active": active,
                    "arrow": ("▼" if query.descending else "▲") if active else "",
                    "url": _url(request, sort=key, dir="desc" if descending else "asc")})
    return out


def _row(request: HttpRequest, query: GradingQuery, row: GradingRow) -> dict:
    below = child_level(query.level)
    if below is None:
        link = reverse("enterprise_detail", args=[int(row.key)])
    else:
        link = _url(request, level=below, within=row.key)
    by_level = " · ".join(
        _("%(level)d级 %(on)d/%(due)d") % {"level": n, "on": on, "due": due}
        for n, (on, due) in enumerate(zip(row.on_time_by_level, row.due_by_level,
                                          strict=True), start=1))
    return {"row": row, "link": link, "drill": below is not None, "cells": [
        (row.alarms, "", ""),
        (row.sensors, "", ""),
        (_number(row.alarms_per_sensor, 2), f"{row.sensor_alarms} / {row.sensors}", ""),
        (_percent(row.timely_rate), f"{row.on_time} / {row.due}", by_level),
        (_percent(row.repeat_rate), f"{row.repeated} / {row.sensor_alarms}", ""),
        (_number(row.release_minutes, 1), _("已解除 %(n)d") % {"n": row.released}, ""),
        (_percent(row.false_rate), f"{row.false_alarms} / {row.handled}", ""),
    ]}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None, places: int) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _export(request: HttpRequest, scope: Scope, query: GradingQuery,
            rows: list[GradingRow]) -> HttpResponse:
    name = f"alarm_grading_{query.level}_{query.start:%Y%m%d}_{query.end:%Y%m%d}"
    return export_response(
        lambda directory: export_table(_table(query, rows), "alarm_grading", scope, query.fmt,
                                       directory, request=request),
        query.fmt, filename=name + FORMATS[query.fmt].suffix)


def _table(query: GradingQuery, rows: list[GradingRow]) -> pd.DataFrame:
    """The rows with every count and rate (rates as fractions, durations in minutes)."""
    columns = {
        _("代码"): [r.key for r in rows], _("名称"): [r.name for r in rows],
        _("报警次数"): [r.alarms for r in rows], _("点位报警次数"): [r.sensor_alarms for r in rows],
        _("在用点位数"): [r.sensors for r in rows],
        _("点位平均报警次数"): [r.alarms_per_sensor for r in rows],
        _("应处置报警数"): [r.due for r in rows], _("及时处置数"): [r.on_time for r in rows],
        _("消警处置及时率"): [r.timely_rate for r in rows],
        **{_("%(level)d级报警及时/应处置") % {"level": n}:
           [f"{r.on_time_by_level[n - 1]}/{r.due_by_level[n - 1]}" for r in rows]
           for n in (1, 2, 3, 4)},
        _("重复报警数"): [r.repeated for r in rows], _("重复报警率"): [r.repeat_rate for r in rows],
        _("已解除数"): [r.released for r in rows],
        _("平均消警时长（分钟）"): [r.release_minutes for r in rows],
        _("已处置数"): [r.handled for r in rows], _("误报数"): [r.false_alarms for r in rows],
        _("误报率"): [r.false_rate for r in rows],
    }
    table = pd.DataFrame(columns)
    table.insert(0, _("统计层级"), str(LEVEL_LABELS[query.level]))
    table.insert(1, _("统计区间"), f"{query.start:%Y-%m-%d}—{query.end:%Y-%m-%d}")
    return table
