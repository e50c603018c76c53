"""The one map's side-panel pieces for the drill-down: breadcrumb, the child divisions
with their enterprises by risk colour, a feature's children, search hits; and the data
the map draws for a place (`map_view`: bounds and the count bubbles).

Every control that moves the drill is a button whose pattern id carries the place it
goes to (`go(place)`), so one callback handles them all."""

from __future__ import annotations

import json

from dash import html
from django.utils.translation import gettext as _

from dashboards.drill import DivisionCount, Drill
from dashboards.search import Hit
from layers.base import FOUR_COLOURS

GO = "onemap-go"
NO_LEVEL_COLOUR = "#9AA5B1"


def go(place: dict) -> dict:
    """The pattern id of a control that moves the drill to `place`."""
    return {"type": GO, "place": json.dumps(place, sort_keys=True)}


def place_of(button_id) -> dict | None:
    """The place a `go` button names (None for anything else a browser might send)."""
    if not isinstance(button_id, dict) or button_id.get("type") != GO:
        return None
    try:
        place = json.loads(button_id.get("place") or "")
    except (TypeError, ValueError):
        return None
    return place if isinstance(place, dict) else None


def _link(label: str, place: dict, **kwargs) -> html.Button:
    return html.Button(label, id=go(place), className="go", n_clicks=0, **kwargs)


def breadcrumb(at: Drill) -> list:
    """全部 › 省 › 市 › … with every crumb but the last a button back to it."""
    items: list = [_link(_("本辖区"), {}, title=_("回到本辖区"))]
    for i, crumb in enumerate(at.trail):
        items.append(html.Span("›", className="sep"))
        last = i == len(at.trail) - 1
        items.append(html.B(crumb.label) if last else _link(crumb.label, crumb.place))
    return items


def drill_body(at: Drill) -> list:
    """The child divisions with counts by colour, or the feature's children."""
    if at.divisions:
        return [division_table(at)]
    blocks = []
    for child in at.children:
        more = _("（共 %(n)d 个，显示前 %(k)d 个）") % {"n": child.count, "k": len(child.rows)} \
            if child.count > len(child.rows) else ""
        blocks += [html.H3(f"{child.title} · {child.count}{more}"),
                   html.Ul([html.Li(_link(label, {"layer": child.layer_id, "id": pk}))
                            for pk, label in child.rows], className="children")]
    if not blocks and at.place.get("layer"):
        blocks = [html.P(_("无下级要素"), className="hint")]
    return blocks


def division_table(at: Drill) -> html.Table:
    levels = sorted(FOUR_COLOURS)
    head = html.Tr([html.Th(_("区划")), html.Th(_("企业"))] + [
        html.Th(html.Span(className="swatch", style={"background": FOUR_COLOURS[lvl]}),
                title=at.colour_labels.get(lvl, "")) for lvl in levels])
    rows = [html.Tr([html.Td(_link(d.name, {"division": d.code})), html.Td(d.total)]
                    + [html.Td(d.levels.get(lvl, 0) or "", className=f"level-{lvl}")
                       for lvl in levels])
            for d in at.divisions]
    total = html.Tr([html.Th(_("合计")), html.Th(sum(d.total for d in at.divisions))] + [
        html.Th(sum(d.levels.get(lvl, 0) for d in at.divisions) or "") for lvl in levels])
    return html.Table([html.Thead(head), html.Tbody(rows), html.Tfoot(total)],
                      className="counts")


def search_results(hits: list[Hit], text: str) -> list:
    if not text.strip():
        return []
    if not hits:
        return [html.P(_("未找到匹配的要素"), className="hint")]
    return [html.Ul([html.Li([_link(h.label, {"layer": h.layer_id, "id": h.pk}),
                              html.Small(h.layer_title)]) for h in hits], className="hits")]


def map_view(at: Drill) -> dict:
    """What the map does for a place (assets/onemap_map.js `drillTo`): fit the bounds,
    draw the child divisions' enterprise counts as bubbles coloured by the division's
    dynamic risk level (else by its most severe enterprise)."""
    box = at.bounds
    return {"bounds": [box.west, box.south, box.east, box.north] if box else None,
            "point": at.place.get("layer") is not None,
            "bubbles": {"type": "FeatureCollection",
                        "features": [_bubble(d) for d in at.divisions if d.total]}}


def _bubble(d: DivisionCount) -> dict:
    colour = FOUR_COLOURS.get(d.risk or d.top_level or 0, NO_LEVEL_COLOUR)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [d.lon, d.lat]},
            "properties": {"code": d.code, "name": d.name, "total": d.total,
                           "colour": colour}}
