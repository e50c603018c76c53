"""风险四色图 and 风险态势云图 (/dash/riskmap/): the caller's divisions coloured by their
enterprises' static or dynamic risk with the counts by colour, the enterprises as coloured
points, and over them the day's risk cloud (raster tiles /tiles/risk_cloud/<day>/…, ADR
0027) with a slider over the last days and an opacity control. Drawn by the one MapLibre
map (`onemap.map_div`, ADR 0023); the choropleth and the cloud are overlays that
assets/onemap_map.js updates in place, so the view stays."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.bridge import current_scope
from dashboards.dashapp import DjangoDash, make_dash
from dashboards.onemap import base_url, map_div
from dashboards.record_panel import record_hint, show_record
from dashboards.risk_counts import DYNAMIC, STATIC, RiskCounts, risk_counts
from dashboards.selectors import colour_legend, layers_visible
from layers.base import FOUR_COLOURS, registry
from monitoring.risk.selectors import risk_cloud_tiles, risk_days

MAP, MODE, TABLE, DAY, DAY_LABEL = ("riskmap-map", "riskmap-mode", "riskmap-table",
                                    "riskmap-day", "riskmap-day-label")
OPACITY, RECORD, SELECTED = "riskmap-opacity", "riskmap-record", "riskmap-selected"
DIVISIONS_SPEC, CLOUD_SPEC, WANTED = "riskmap-divisions", "riskmap-cloud", "riskmap-wanted"
POINTS = {STATIC: "enterprises", DYNAMIC: "enterprise_risk"}  # the points of each mode
CHOROPLETH_OPACITY = 0.45
CLOUD_OPACITY = 0.75
CLOUD_MAX_ZOOM = 14  # beyond it MapLibre enlarges z14 tiles: the 3 km kernel is smooth there


def build(base_path: str) -> DjangoDash:
    app = make_dash(base_path, page_title=gettext_lazy("风险四色图"))
    app.layout = layout
    app.callback(Output(DIVISIONS_SPEC, "data"), Output(TABLE, "children"),
                 Output(WANTED, "data"), Input(MODE, "value"))(show_mode)
    app.callback(Output(CLOUD_SPEC, "data"), Output(DAY_LABEL, "children"),
                 Input(DAY, "value"), Input(OPACITY, "value"))(show_cloud)
    app.callback(Output(RECORD, "children"), Input(SELECTED, "data"),
                 prevent_initial_call=True)(show_record)
    for n, source in enumerate((DIVISIONS_SPEC, CLOUD_SPEC)):
        app.clientside_callback(ClientsideFunction("safeatlas", "overlay"),
                                Output(f"riskmap-applied-{n}", "data"),
                                Input(source, "data"), State(MAP, "id"))
    app.clientside_callback(ClientsideFunction("safeatlas", "showLayers"),
                            Output("riskmap-applied-shown", "data"), Input(WANTED, "data"),
                            State(MAP, "id"), prevent_initial_call=True)
    return app


def layout() -> html.Div:
    """Built per request: the divisions, the days and the map's view are the caller's."""
    scope = current_scope()
    days = risk_days(scope=scope)
    side = html.Aside([
        html.H1(_("风险四色图")),
        dcc.RadioItems(id=MODE, value=DYNAMIC, className="riskmap-mode", inline=True, options=[
            {"label": _("静态风险"), "value": STATIC}, {"label": _("动态风险"), "value": DYNAMIC}]),
        html.Ul([html.Li([html.Span(className="swatch", style={"background": colour}), label])
                 for label, colour in colour_legend(registry.get("enterprises"))],
                className="legend"),
        html.H2(_("各区划企业数（按风险等级）")),
        html.Div(id=TABLE),
        html.H2(_("风险态势云图")),
        *_cloud_controls(days),
        html.H2(_("要素详情")),
        html.Div(record_hint(), id=RECORD),
    ], className="side")
    return html.Div([side, map_div(MAP, scope=scope, selected=SELECTED, shown=_shown(DYNAMIC)),
                     *(dcc.Store(id=i) for i in (SELECTED, DIVISIONS_SPEC, CLOUD_SPEC, WANTED,
                                                 "riskmap-applied-0", "riskmap-applied-1",
                                                 "riskmap-applied-shown"))],
                    className="onemap riskmap")


def _cloud_controls(days) -> list:
    if not days:
        return [html.P(_("暂无动态风险数据"), className="hint"),
                dcc.Slider(id=DAY, min=0, max=0, value=None, disabled=True),
                dcc.Slider(id=OPACITY, min=0, max=1, value=CLOUD_OPACITY, disabled=True),
                html.Div(id=DAY_LABEL)]
    step = max(1, len(days) // 6)
    marks = {i: d.strftime("%m-%d") for i, d in enumerate(days)
             if i % step == 0 or i == len(days) - 1}
    return [
        html.Div([html.Span(_("日期")), html.Strong(id=DAY_LABEL)], className="riskmap-day"),
        dcc.Slider(id=DAY, min=0, max=len(days) - 1, step=1, value=len(days) - 1, marks=marks,
                   allow_direct_input=False),
        html.Div(_("透明度"), className="riskmap-label"),
        dcc.Slider(id=OPACITY, min=0, max=1, step=0.05, value=CLOUD_OPACITY,
                   marks={0: "0", 0.5: "50%", 1: "100%"}, allow_direct_input=False),
        html.Div([html.Div(className="riskmap-ramp"),
                  html.Div([html.Span(_("低")), html.Span(_("高"))], className="riskmap-ends")]),
        html.P(_("按企业当日动态风险分值加权的核密度（带宽 3 公里）"), className="hint"),
    ]


def _shown(mode: str) -> list[str]:
    """Registry layers drawn in a mode: the base map, the division outlines, its points."""
    return [layer.id for layer in layers_visible(scope=current_scope())
            if layer.base or layer.id in ("divisions", POINTS[mode])]


def show_mode(mode: str):
    """The choropleth overlay, the table of counts and the points' layer of a mode."""
    mode = mode if mode in POINTS else DYNAMIC
    counts = risk_counts(scope=current_scope(), mode=mode)
    return _choropleth(counts), _table(counts), _shown(mode)


def _choropleth(counts: RiskCounts) -> dict:
    graded = [row for row in counts.rows if row.level]
    colour: object = "rgba(0,0,0,0)"
    text: object = ""
    if graded:
        colour = ["match", ["get", "code"],
                  *[v for row in graded for v in (row.code, FOUR_COLOURS[row.level])],
                  "rgba(0,0,0,0)"]
        labels = {row.code: f"{row.name}\n{_counts_text(row.counts)}" for row in graded}
        text = ["match", ["get", "code"], *[v for pair in labels.items() for v in pair], ""]
    level = ["==", ["get", "level"], counts.division_level]
    return {"key": "divisions", "layers": [
        {"id": "riskmap-divisions-fill", "type": "fill", "source": "divisions",
         "source-layer": "divisions", "before": "divisions-line", "filter": level,
         "paint": {"fill-color": colour, "fill-opacity": CHOROPLETH_OPACITY}},
        {"id": "riskmap-divisions-counts", "type": "symbol", "source": "divisions",
         "source-layer": registry.get("divisions").label_points(), "filter": level,
         "layout": {"text-field": text, "text-font": list(settings.MAP_FONTS),
                    "text-size": 13, "text-max-width": 12},
         "paint": {"text-color": "#102a43", "text-halo-color": "#ffffff",
                   "text-halo-width": 1.5}},
    ]}


def _counts_text(counts) -> str:
    red, orange, yellow, blue = counts
    return _("红%(red)s 橙%(orange)s 黄%(yellow)s 蓝%(blue)s") % {
        "red": red, "orange": orange, "yellow": yellow, "blue": blue}


def _table(counts: RiskCounts) -> html.Div:
    swatch = [html.Span(className="swatch", style={"background": FOUR_COLOURS[lv]})
              for lv in (1, 2, 3, 4)]
    head = html.Tr([html.Th(_("区划")), *(html.Th([swatch[i], name]) for i, name in enumerate(
        (_("红"), _("橙"), _("黄"), _("蓝")))), html.Th(_("合计"))])
    rows = [html.Tr([html.Td(row.name), *(html.Td(n) for n in row.counts), html.Td(row.total)])
            for row in counts.rows]
    total = html.Tr([html.Th(_("合计")), *(html.Th(n) for n in counts.total),
                     html.Th(sum(counts.total))], className="total")
    caption = (_("动态风险：%(day)s") % {"day": counts.day.isoformat()} if counts.day
               else _("动态风险：暂无数据") if counts.mode == DYNAMIC else _("静态风险等级"))
    return html.Div([html.P(caption, className="hint"),
                     html.Table([html.Thead(head), html.Tbody([*rows, total])],
                                className="riskmap-counts")])


def show_cloud(index, opacity):
    """The cloud overlay of the chosen day (one of the caller's own days) and its label."""
    days = risk_days(scope=current_scope())
    if not days or not isinstance(index, int) or not 0 <= index < len(days):
        raise PreventUpdate
    day = days[index]
    opacity = min(1.0, max(0.0, float(opacity))) if isinstance(opacity, int | float) \
        else CLOUD_OPACITY
    spec = {"key": "cloud", "sources": {"risk_cloud": {
        "type": "raster", "tiles": [base_url() + risk_cloud_tiles(day=day)], "tileSize": 256,
        "maxzoom": CLOUD_MAX_ZOOM}},
        "layers": [{"id": "riskmap-cloud", "type": "raster", "source": "risk_cloud",
                    "before": "enterprises-circle",
                    "paint": {"raster-opacity": opacity, "raster-fade-duration": 0}}]}
    return spec, day.isoformat()
