"""The panel that shows one clicked feature's record: the components, and `show_record`,
the callback body of the pages whose map click shows a record (the risk map, the large
screen), read through the layer's scoped queryset (`selectors.feature_record`)."""

from __future__ import annotations

from dash import html
from django.utils.translation import gettext as _

from dashboards.bridge import current_scope
from dashboards.selectors import FeatureRecord, feature_record
from layers.base import registry


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


def show_record(selected: dict | None):
    """The record of a clicked `{layer, id}` in the caller's scope (a hint without one)."""
    if not isinstance(selected, dict) or selected.get("id") is None:
        return record_hint()
    return record_of(current_scope(), str(selected.get("layer", "")), selected["id"])


def record_of(scope, layer_id: str, pk) -> html.Div:
    layer = registry.get(layer_id)
    title = str(layer.title) if layer and layer.visible_to(scope) else _("要素")
    return record_panel(feature_record(scope=scope, layer_id=layer_id, pk=pk),
                        layer_title=title)
