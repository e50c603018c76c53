"""指挥中心大屏 (command-centre large screen) at /dash/screen/: the jurisdiction's map on a
dark base filling the wall, the panels the modules register (`geo.panels`: counts and a
trend), the newest warnings and the clock. Live from the monitoring event stream
(`/monitoring/events`, ADR 0018): assets/screen.js prepends each new warning, reloads the
live layers' tiles and ticks `TICK`, which re-reads the panels here in the caller's scope.
"""

from __future__ import annotations

import json

from dash import Input, Output, dcc, html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.bridge import current_request, current_scope
from dashboards.dashapp import DjangoDash, make_dash
from dashboards.onemap import map_div
from dashboards.record_panel import record_hint, show_record
from dashboards.selectors import layers_visible
from geo.panels import Figure, Panel, screen_panels
from geo.scope import Scope
from layers.base import registry
from monitoring.alarms.selectors import warnings_recent

MAP, SELECTED, RECORD = "screen-map", "screen-selected", "screen-record"
COUNTS, CHARTS = "screen-counts", "screen-charts"
TICK = "screen-tick"          # set by assets/screen.js when an event arrives
INTERVAL = "screen-interval"  # time alone changes figures (the commitment deadline, rates)
LIVE_LAYERS = ("warnings", "alarms", "sensors")  # drawn on the wall besides the shown ones
RECENT = 30                   # warnings the list starts with (screen.js keeps at most 50)


def build(base_path: str) -> DjangoDash:
    app = make_dash(base_path, page_title=gettext_lazy("指挥中心大屏"))
    app.layout = layout
    app.callback(Output(COUNTS, "children"), Output(CHARTS, "children"),
                 Input(TICK, "data"), Input(INTERVAL, "n_intervals"),
                 prevent_initial_call=True)(refresh)
    app.callback(Output(RECORD, "children"), Input(SELECTED, "data"),
                 prevent_initial_call=True)(show_record)
    return app


def layout() -> html.Div:
    """Built per request: the map's view, the panels and the list depend on the caller."""
    scope = current_scope()
    visible = layers_visible(scope=scope)
    shown = [layer.id for layer in visible if layer.shown or layer.id in LIVE_LAYERS]
    live = registry.get("warnings").visible_to(scope)  # the public scope has no stream
    counts, charts = panels_view(scope)
    header = html.Header([
        html.H1(_("安全生产监管指挥中心")),
        html.Div(area_name(), className="area", id="screen-area"),
        html.Div(className="clock", id="screen-clock"),
    ], className="top")
    right = html.Aside([
        html.Section([html.H2(_("最新预警")),
                      html.Ol(className="feed", id="screen-feed"),
                      html.P(_("暂无预警"), className="empty", id="screen-feed-empty")],
                     className="panel feed-panel"),
        html.Div(charts, id=CHARTS),
        html.Section([html.H2(_("要素详情")), html.Div(record_hint(), id=RECORD)],
                     className="panel record-panel"),
    ], className="side right")
    return html.Div([
        map_div(MAP, scope=scope, selected=SELECTED, shown=shown, theme="dark"),
        header,
        html.Aside(counts, id=COUNTS, className="side left"),
        right,
        dcc.Store(id=SELECTED), dcc.Store(id=TICK),
        dcc.Interval(id=INTERVAL, interval=60_000),
    ], className="screen", id="screen", **{
        "data-live": "1" if live else "0", "data-events": "/monitoring/events",
        "data-map": MAP, "data-selected": SELECTED, "data-tick": TICK,
        "data-recent": json.dumps(warnings_recent(scope=scope, limit=RECENT) if live else [],
                                  ensure_ascii=False)})


def refresh(_tick, _n) -> tuple[list, list]:
    """The panels again, in the caller's scope (the tick carries no data we read)."""
    return panels_view(current_scope())


def panels_view(scope: Scope) -> tuple[list[html.Section], list[html.Section]]:
    """The registered panels the caller may see: numbers on the left, charts on the right."""
    counts, charts = [], []
    for panel, figures in panel_figures(scope):
        if panel.chart == "bars":
            charts.append(_bars(panel, figures))
        else:
            counts.append(_counts(panel, figures))
    return counts, charts


def panel_figures(scope: Scope) -> list[tuple[Panel, list[Figure]]]:
    """Each registered panel's figures for `scope`, leaving out those whose layer the
    caller may not see and those that have nothing for it (None)."""
    out = []
    for panel in screen_panels():
        layer = registry.get(panel.layer) if panel.layer else None
        if panel.layer and (layer is None or not layer.visible_to(scope)):
            continue
        figures = panel.build(scope)
        if figures is not None:
            out.append((panel, figures))
    return out


def _counts(panel: Panel, figures: list[Figure]) -> html.Section:
    cells = [html.Div([
        html.Span([_shown(f.value), html.Small(f.unit)] if f.unit else _shown(f.value),
                  className="value", style={"color": f.colour} if f.colour else None),
        html.Span(str(f.label), className="label"),
    ], className="figure", id=f"figure-{panel.key}-{f.key}") for f in figures]
    return html.Section([html.H2(str(panel.title)), html.Div(cells, className="figures")],
                        className="panel counts", id=f"panel-{panel.key}")


def _bars(panel: Panel, figures: list[Figure]) -> html.Section:
    """A bar chart of plain divs (heights in % of the largest): no chart library on a page
    that must start fast and run for days."""
    top = max([f.value for f in figures if isinstance(f.value, int | float)] or [0]) or 1
    bars = [html.Div([
        html.Span(_shown(f.value) if f.value else "", className="n"),
        html.Span(className="bar", style={
            "height": f"{100 * (f.value or 0) / top:.0f}%",
            **({"background": f.colour} if f.colour else {})}),
        html.Span(str(f.label), className="tick"),
    ], className="col", title=f"{f.label}: {_shown(f.value)}") for f in figures]
    return html.Section([html.H2(str(panel.title)), html.Div(bars, className="bars")],
                        className="panel chart", id=f"panel-{panel.key}")


def _shown(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def area_name() -> str:
    """Whose screen: the caller's division (government) or organisation (an enterprise)."""
    request = current_request()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    place = user.division if user.division_id else user.organisation
    return place.name if place is not None else ""
