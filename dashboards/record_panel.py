"""The panel that shows one clicked feature's record (Dash components, no data access)."""

from __future__ import annotations

from dash import html
from django.utils.translation import gettext as _

from dashboards.selectors import FeatureRecord


def record_panel(record: FeatureRecord | None, *, layer_title: str) -> html.Div:
    """A definition list of the record, or the one not-found message that leaks nothing."""
    if record is None:
        return html.Div(
            _("无此%(title)s或无权查看") % {"title": layer_title},
            className="record-missing", id="onemap-record-missing",
        )
    rows = []
    for field in record.fields:
        value = [field.value]
        if field.colour:
            value.insert(0, html.Span(className="swatch", style={"background": field.colour}))
        rows += [html.Dt(field.label), html.Dd(value)]
    body = [html.H3(record.heading), html.Dl(rows)]
    if record.url:
        body.append(html.A(_("查看档案"), href=record.url, className="record-link",
                           id="onemap-record-link"))
    return html.Div(body, className="record", id="onemap-record-body")


def record_hint() -> html.P:
    return html.P(_("点击地图上的要素查看详情"), className="hint")
