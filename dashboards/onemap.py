"""一张图 (one map): every layer the caller may see, drawn by MapLibre GL JS from the vector
tiles of the caller's style.json (ADR 0023), with a layer switcher that keeps the view
(empty layers marked), search across layers, and a drill-down from the caller's area
through divisions to an enterprise, its hazard sources, units and sensors: breadcrumb,
counts by risk colour per child division (bubbles on the map), the place's record. The map
itself lives in assets/onemap_map.js."""

from __future__ import annotations

import json

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.bridge import current_request, current_scope
from dashboards.dashapp import DjangoDash, make_dash
from dashboards.drill import division_at, drill, home_drill
from dashboards.onemap_panels import (
    GO,
    breadcrumb,
    drill_body,
    map_view,
    place_of,
    search_results,
)
from dashboards.record_panel import record_hint, record_of
from dashboards.search import MAX_TEXT, features_search
from dashboards.selectors import (
    DIVISIONS,
    colour_legend,
    home_extent,
    layers_visible,
)
from layers.base import FOUR_COLOURS, FourColour
from layers.selectors import layers_empty

MAP, LAYERS, RECORD = "onemap-map", "onemap-layers", "onemap-record"
SELECTED = "onemap-selected"  # set by assets/onemap_map.js on a click: {layer, id, lng, lat}
SHOWN = "onemap-shown"        # the clientside switcher's (unused) output
PLACE = "onemap-place"        # where the drill-down stands (dashboards.drill)
VIEW = "onemap-view"          # what the map does for the place (onemap_panels.map_view)
MOVED = "onemap-moved"        # the clientside drillTo's (unused) output
TRAIL, DRILL = "onemap-trail", "onemap-drill"
SEARCH, HITS = "onemap-search", "onemap-hits"


def build(base_path: str) -> DjangoDash:
    app = make_dash(base_path, page_title=gettext_lazy("一张图"))
    app.layout = layout
    app.clientside_callback(ClientsideFunction("safeatlas", "showLayers"),
                            Output(SHOWN, "data"), Input(LAYERS, "value"), State(MAP, "id"),
                            prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("safeatlas", "drillTo"),
                            Output(MOVED, "data"), Input(VIEW, "data"), State(MAP, "id"),
                            prevent_initial_call=True)
    app.callback(Output(PLACE, "data"), Input(SELECTED, "data"),
                 Input({"type": GO, "place": ALL}, "n_clicks"), State(PLACE, "data"),
                 prevent_initial_call=True)(move)
    app.callback(Output(TRAIL, "children"), Output(DRILL, "children"), Output(VIEW, "data"),
                 Output(RECORD, "children"), Input(PLACE, "data"),
                 prevent_initial_call=True)(show_place)
    app.callback(Output(HITS, "children"), Input(SEARCH, "value"),
                 prevent_initial_call=True)(search)
    return app


def layout() -> html.Div:
    """Built per request: the layer list, the map view, the legend and the drill-down's
    first place (the caller's own area) depend on the caller."""
    scope = current_scope()
    layers = layers_visible(scope=scope)
    empty = layers_empty(layers, scope)
    shown = [layer.id for layer in layers if layer.shown]
    at = home_drill(scope)
    side = html.Aside([
        html.Div([html.A(_("门户"), href="/", className="home-link"), html.H1(_("一张图")),
                  print_button(MAP, trail=TRAIL)], className="title"),
        dcc.Input(id=SEARCH, type="search", debounce=0.4, className="search",
                  placeholder=_("搜索名称、信用代码、位号…"), maxLength=MAX_TEXT),
        html.Div(id=HITS),
        html.Nav(breadcrumb(at), id=TRAIL, className="trail"),
        html.Div(drill_body(at), id=DRILL),
        html.H2(_("要素详情")),
        html.Div(record_hint(), id=RECORD),
        html.H2(_("图层")),
        dcc.Checklist(id=LAYERS, value=shown, className="layers",
                      options=[_layer_option(layer, layer.id in empty) for layer in layers]),
        _legend(layers),
    ], className="side")
    return html.Div([side, map_div(MAP, scope=scope, selected=SELECTED, shown=shown,
                                   view=map_view(at)),
                     dcc.Store(id=SELECTED), dcc.Store(id=SHOWN), dcc.Store(id=PLACE, data={}),
                     dcc.Store(id=VIEW), dcc.Store(id=MOVED)], className="onemap")


def _layer_option(layer, empty: bool) -> dict:
    """A switcher entry: the layer's colour as its legend swatch, and a mark when the
    caller's area holds none of it."""
    colour = layer.colour_by
    background = ("conic-gradient(" + ", ".join(FOUR_COLOURS.values()) + ")"
                  if isinstance(colour, FourColour) else colour.colour)
    label = [html.Span(className="swatch", style={"background": background}), str(layer.title)]
    if empty:
        label.append(html.Small(_("（无数据）"), className="empty-mark"))
    return {"label": html.Span(label, className="empty" if empty else None,
                               id=f"layer-{layer.id}"), "value": layer.id}


def map_div(div_id: str, *, scope, selected: str, shown: list[str],
            view: dict | None = None, theme: str = "") -> html.Div:
    """The div assets/onemap_map.js starts a MapLibre map in: the caller's style (the
    session cookie scopes it and its tiles), opened on the caller's jurisdiction (an
    enterprise user: its plants) with the `shown` layers visible and the drill-down's
    first `view` (onemap_panels.map_view) drawn. `theme` ("dark": the large screen) is
    for the page's own script to restyle the map once it is loaded."""
    box = home_extent(scope=scope)
    bounds = [box.west, box.south, box.east, box.north] if box else None
    return html.Div(id=div_id, className="map safeatlas-map", **{
        "data-style": f"{base_url()}/tiles/style.json", "data-bounds": json.dumps(bounds),
        "data-selected": selected, "data-shown": json.dumps(shown),
        "data-fonts": json.dumps(list(settings.MAP_FONTS)), "data-view": json.dumps(view),
        "data-theme": theme})


def print_button(map_id: str, *, trail: str) -> html.Button:
    """打印: assets/onemap_print.js prints the map as drawn with the place (the `trail`
    element's text), a north arrow, a scale bar, the legend and the time; the words come
    from here so they are translated."""
    return html.Button(_("打印"), className="print-map", type="button", **{
        "data-map": map_id, "data-trail": trail, "data-title": _("一张图"),
        "data-north": _("北"), "data-printed": _("打印时间")})


def _legend(layers) -> html.Div:
    """Each layer's legend block, marked with its layer (the print takes the shown ones)."""
    blocks = []
    for layer in layers:
        items = [html.Li([html.Span(className="swatch", style={"background": colour}), label])
                 for label, colour in colour_legend(layer)]
        if items:
            blocks.append(html.Div([html.H3(str(layer.title)), html.Ul(items, className="legend")],
                                   **{"data-legend-layer": layer.id}))
    return html.Div(blocks)


def move(selected: dict | None, _clicks: list, place: dict | None) -> dict:
    """Where a click takes the drill: a division clicked on the map drills one level down
    under the click (the divisions nest); any other feature, or a panel button, goes to
    what it names. The place is checked again against the scope when it is shown."""
    trigger = ctx.triggered_id
    if trigger == SELECTED:
        return _clicked(selected, place) or no_update
    target = place_of(trigger)
    if target is None or not any(t.get("value") for t in ctx.triggered):
        return no_update  # a button only rendered, not clicked
    return target


def _clicked(selected: dict | None, place: dict | None) -> dict | None:
    if not isinstance(selected, dict) or selected.get("id") is None:
        return None
    layer_id = str(selected.get("layer", ""))
    lon, lat = selected.get("lng"), selected.get("lat")
    if layer_id == DIVISIONS and all(isinstance(v, int | float) for v in (lon, lat)):
        within = (place or {}).get("division")
        code = division_at(scope=current_scope(), within=within if isinstance(within, str)
                           else None, lon=float(lon), lat=float(lat))
        return {"division": code} if code else None
    return {"layer": layer_id, "id": str(selected["id"]), "via": "map"}


def show_place(place: dict | None):
    """The breadcrumb, the panel, the map's view and the record of the place, all read
    through the caller's scope (a place outside it shows the caller's home)."""
    scope = current_scope()
    at = drill(scope=scope, place=place)
    view = map_view(at)
    if isinstance(place, dict) and place.get("via") == "map" and at.place.get("layer"):
        view["bounds"] = None  # a feature clicked on the map is in view: stay there
    return breadcrumb(at), drill_body(at), view, _record(scope, at.place)


def _record(scope, place: dict):
    if place.get("division"):
        return record_of(scope, DIVISIONS, place["division"])
    if place.get("layer"):
        return record_of(scope, place["layer"], place["id"])
    return record_hint()


def search(text: str | None) -> list:
    text = text if isinstance(text, str) else ""
    return search_results(features_search(scope=current_scope(), text=text), text)


def base_url() -> str:
    """Origin for tile URLs in the style: the one the browser used, so its cookie goes along."""
    request = current_request()
    if request is None:
        return settings.SITE_URL
    return request.build_absolute_uri("/").rstrip("/")
