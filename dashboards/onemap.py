"""一张图 (one map): every layer the caller may see, drawn by MapLibre GL JS from the vector
tiles of the caller's style.json (ADR 0023), with a layer switcher that keeps the view and
click -> record for any feature. The map itself lives in assets/onemap_map.js."""

from __future__ import annotations

import json

from dash import ClientsideFunction, Input, Output, State, dcc, html
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.bridge import current_request, current_scope
from dashboards.dashapp import DjangoDash, make_dash
from dashboards.record_panel import record_hint, record_panel
from dashboards.selectors import (
    colour_legend,
    feature_record,
    home_extent,
    layers_visible,
)
from layers.base import registry

MAP, LAYERS, RECORD = "onemap-map", "onemap-layers", "onemap-record"
SELECTED = "onemap-selected"  # set by assets/onemap_map.js on a click
SHOWN = "onemap-shown"        # the clientside switcher's (unused) output


def build(base_path: str) -> DjangoDash:
    app = make_dash(base_path, page_title=gettext_lazy("一张图"))
    app.layout = layout
    app.clientside_callback(ClientsideFunction("safeatlas", "showLayers"),
                            Output(SHOWN, "data"), Input(LAYERS, "value"), State(MAP, "id"),
                            prevent_initial_call=True)
    app.callback(Output(RECORD, "children"), Input(SELECTED, "data"),
                 prevent_initial_call=True)(show_record)
    return app


def layout() -> html.Div:
    """Built per request: the layer list, the map view and the legend depend on the caller."""
    scope = current_scope()
    layers = layers_visible(scope=scope)
    shown = [layer.id for layer in layers if layer.shown]
    side = html.Aside([
        html.H1(_("一张图")),
        html.H2(_("图层")),
        dcc.Checklist(id=LAYERS, value=shown, className="layers",
                      options=[{"label": str(layer.title), "value": layer.id} for layer in layers]),
        _legend(layers),
        html.H2(_("要素详情")),
        html.Div(record_hint(), id=RECORD),
    ], className="side")
    return html.Div([side, map_div(MAP, scope=scope, selected=SELECTED, shown=shown),
                     dcc.Store(id=SELECTED), dcc.Store(id=SHOWN)], className="onemap")


def map_div(div_id: str, *, scope, selected: str, shown: list[str],
            theme: str = "") -> html.Div:
    """The div assets/onemap_map.js starts a MapLibre map in: the caller's style (the
    session cookie scopes it and its tiles), opened on the caller's jurisdiction (an
    enterprise user: its plants) with the `shown` layers visible. `theme` ("dark": the
    large screen) is for the page's own script to restyle the map once it is loaded."""
    box = home_extent(scope=scope)
    bounds = [box.west, box.south, box.east, box.north] if box else None
    return html.Div(id=div_id, className="map safeatlas-map", **{
        "data-style": f"{base_url()}/tiles/style.json", "data-bounds": json.dumps(bounds),
        "data-selected": selected, "data-shown": json.dumps(shown), "data-theme": theme})


def _legend(layers) -> html.Div:
    blocks = []
    for layer in layers:
        items = [html.Li([html.Span(className="swatch", style={"background": colour}), label])
                 for label, colour in colour_legend(layer)]
        if items:
            blocks += [html.H3(str(layer.title)), html.Ul(items, className="legend")]
    return html.Div(blocks)


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
