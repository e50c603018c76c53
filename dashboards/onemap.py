"""一张图 (one map): every layer the caller may see, drawn from vector tiles, with a layer
switcher and click -> record. The click is picked up by assets/onemap_click.js."""

from __future__ import annotations

from dash import Input, Output, dcc, html
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.bridge import current_request, current_scope
from dashboards.dashapp import DjangoDash, make_dash
from dashboards.mapfigure import fit_view, map_figure
from dashboards.record_panel import record_hint, record_panel
from dashboards.selectors import (
    colour_legend,
    division_extent,
    feature_record,
    layers_visible,
)
from layers.base import registry

GRAPH, LAYERS, RECORD = "onemap-graph", "onemap-layers", "onemap-record"
SELECTED = "onemap-selected"  # set by assets/onemap_click.js


def build(base_path: str) -> DjangoDash:
    app = make_dash(base_path, page_title=gettext_lazy("一张图"))
    app.layout = layout
    app.callback(Output(GRAPH, "figure"), Input(LAYERS, "value"),
                 prevent_initial_call=True)(switch_layers)
    app.callback(Output(RECORD, "children"), Input(SELECTED, "data"),
                 prevent_initial_call=True)(show_record)
    return app


def layout() -> html.Div:
    """Built per request: the layer list, the map view and the legend depend on the caller."""
    scope = current_scope()
    layers = layers_visible(scope=scope)
    ids = [layer.id for layer in layers]
    figure = map_figure(scope=scope, base_url=base_url(), layer_ids=ids,
                        view=fit_view(division_extent(scope=scope)))
    side = html.Aside([
        html.H1(_("一张图")),
        html.H2(_("图层")),
        dcc.Checklist(id=LAYERS, value=ids, className="layers",
                      options=[{"label": str(layer.title), "value": layer.id} for layer in layers]),
        _legend(layers),
        html.H2(_("要素详情")),
        html.Div(record_hint(), id=RECORD),
    ], className="side")
    graph = dcc.Graph(id=GRAPH, figure=figure, className="map",
                      config={"displaylogo": False, "scrollZoom": True, "responsive": True})
    return html.Div([side, graph, dcc.Store(id=SELECTED)], className="onemap")


def _legend(layers) -> html.Div:
    blocks = []
    for layer in layers:
        items = [html.Li([html.Span(className="swatch", style={"background": colour}), label])
                 for label, colour in colour_legend(layer)]
        if items:
            blocks += [html.H3(str(layer.title)), html.Ul(items, className="legend")]
    return html.Div(blocks)


def switch_layers(layer_ids: list[str] | None) -> dict:
    """The map with exactly the chosen layers (unknown or invisible ids are dropped)."""
    scope = current_scope()
    chosen = set(layer_ids or [])
    ids = [layer.id for layer in layers_visible(scope=scope) if layer.id in chosen]
    return map_figure(scope=scope, base_url=base_url(), layer_ids=ids,
                      view=fit_view(division_extent(scope=scope)))


def show_record(selected: dict | None):
    """The record of the clicked feature, read through the layer's scoped queryset."""
    if not isinstance(selected, dict):
        return record_hint()
    scope = current_scope()
    layer_id = str(selected.get("layer", ""))
    record = feature_record(scope=scope, layer_id=layer_id, pk=selected.get("id"))
    layer = registry.get(layer_id)
    title = str(layer.title) if layer and layer.visible_to(scope) else _("要素")
    return record_panel(record, layer_title=title)


def base_url() -> str:
    """Origin for tile URLs in the style: the one the browser used, so its cookie goes along."""
    request = current_request()
    if request is None:
        return settings.SITE_URL
    return request.build_absolute_uri("/").rstrip("/")
