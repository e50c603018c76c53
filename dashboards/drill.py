"""The one map's drill-down (province -> city -> county -> park -> enterprise -> hazard
source -> monitored unit -> sensor), read through the layer registry and the caller's
scope. A *place* is what the drill stands on, as the Dash store holds it:
`{"division": "<12-digit code>"}` or `{"layer": "<layer id>", "id": "<pk>"}`; `{}` is the
caller's home (own jurisdiction; an enterprise user's own plants)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import Envelope, PointOnSurface
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from dashboards.selectors import DIVISIONS, ENTERPRISES, BBox
from geo.models import LEVEL_DIGITS, code_prefix
from geo.scope import Scope
from layers.base import FOUR_COLOURS, FourColour, Layer, registry
from layers.selectors import division_trail
from registry.enterprises.selectors import enterprise_division_risk_counts

REGION_RISK = "region_risk"  # a division's dynamic risk, per day (monitoring.risk)
CHILD_ROWS = 50  # rows of one child layer listed under a feature (the count says the rest)


@dataclass(frozen=True)
class Crumb:
    label: str
    place: dict


@dataclass(frozen=True)
class DivisionCount:
    """A child division with its enterprises by risk colour (level -> count)."""

    code: str
    name: str
    lon: float
    lat: float
    levels: dict[int, int] = field(default_factory=dict)
    risk: int | None = None  # the division's dynamic risk level today (区域动态风险)

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    @property
    def top_level(self) -> int | None:
        """The most severe level present (1 red … 4 blue), None when no enterprise."""
        return min((lvl for lvl, n in self.levels.items() if n and lvl in FOUR_COLOURS),
                   default=None)


@dataclass(frozen=True)
class ChildRows:
    layer_id: str
    title: str
    count: int
    rows: list[tuple[str, str]]  # (pk, label), at most CHILD_ROWS


@dataclass(frozen=True)
class Drill:
    """Everything the side panel and the map show for one place."""

    place: dict
    trail: list[Crumb]
    bounds: BBox | None
    divisions: list[DivisionCount] = field(default_factory=list)  # a division's children
    children: list[ChildRows] = field(default_factory=list)        # a feature's children
    colour_labels: dict[int, str] = field(default_factory=dict)


def drill(*, scope: Scope, place: dict | None) -> Drill:
    """The drill at `place`, or at the caller's home when the place is absent, malformed
    or outside what the caller may see (a callback is sent whatever the browser likes)."""
    place = place if isinstance(place, dict) else {}
    code = place.get("division")
    if isinstance(code, str) and division_allowed(scope, code):
        at = _division_drill(scope, code)
        if at is not None:
            return at
    layer = registry.get(str(place.get("layer", "")))
    if layer is not None and layer.visible_to(scope) and place.get("id") is not None:
        at = _feature_drill(scope, layer, place["id"])
        if at is not None:
            return at
    return home_drill(scope)


def home_drill(scope: Scope) -> Drill:
    top = top_division(scope)
    if top is not None:
        return _division_drill(scope, top)
    # enterprise users (and the whole country for a super-user): their enterprises
    layer = registry.get(ENTERPRISES)
    rows = _child_rows(layer, layer.queryset(scope)) if layer and layer.visible_to(scope) \
        else None
    return Drill({}, [], None, children=[rows] if rows and rows.count else [])


def top_division(scope: Scope) -> str | None:
    """The code of the division a government caller's drill starts from; None for callers
    who see no area (enterprise users) or many (a super-user sees every root)."""
    layer = registry.get(DIVISIONS)
    if layer is None:
        return None
    qs = layer.queryset(scope)
    if scope.prefix is not None:
        qs = qs.filter(code__startswith=scope.prefix).order_by("code")
        return qs.values_list("code", flat=True).first()
    if scope.everything:
        roots = list(qs.filter(parent__isnull=True).values_list("code", flat=True)[:2])
        return roots[0] if len(roots) == 1 else None
    return None


def division_allowed(scope: Scope, code: str) -> bool:
    """Government callers drill inside their own area only (divisions are public, so the
    layer's scope alone would let anyone stand anywhere)."""
    if not (code.isdigit() and len(code) == 12):
        return False
    return scope.everything or (scope.prefix is not None and code.startswith(scope.prefix))


def division_at(*, scope: Scope, within: str | None, lon: float, lat: float) -> str | None:
    """The child of division `within` (else the caller's top) under a clicked point, for
    a click on the nested divisions layer: one level down at a time."""
    layer = registry.get(DIVISIONS)
    parent = within if within and division_allowed(scope, within) else top_division(scope)
    if layer is None or parent is None:
        return None
    return (layer.queryset(scope).filter(parent_id=parent, geom__intersects=Point(
        lon, lat, srid=4326)).values_list("code", flat=True).first())


def _division_drill(scope: Scope, code: str) -> Drill | None:
    divisions = registry.get(DIVISIONS).queryset(scope)
    here = (divisions.filter(code=code).annotate(box=Envelope("geom"))
            .values("code", "name", "level", "box").first())
    if here is None:
        return None
    prefix = code_prefix(here["code"], here["level"])
    counts = _division_counts(scope, code, prefix)
    firms = registry.get(ENTERPRISES)
    children = []  # the smallest divisions (villages, a grid member's area): their firms
    if not counts and firms is not None and firms.visible_to(scope):
        rows = _child_rows(firms, firms.queryset(scope).filter(
            **{f"{firms.scope}__startswith": prefix}))
        children = [rows] if rows.count else []
    return Drill({"division": code}, _division_trail(scope, prefix), _bbox(here["box"]),
                 divisions=counts, children=children, colour_labels=_colour_labels(firms))


def _division_trail(scope: Scope, prefix: str) -> list[Crumb]:
    """Crumbs from the caller's top division down to the one with this prefix (levels no
    division row names, e.g. a village missing from the register, are left out)."""
    top = top_division(scope)
    start = code_prefix(top, _level_of(top)) if top else ""
    return [Crumb(name, {"division": part.ljust(12, "0")})
            for part, name in division_trail(scope=scope, within=prefix, top=start)
            if name != part and division_allowed(scope, part.ljust(12, "0"))]


def _level_of(code: str) -> str:
    """The level a 12-digit code names, by its trailing zeros (GB/T 2260 padding)."""
    for level, digits in sorted(LEVEL_DIGITS.items(), key=lambda kv: kv[1]):
        if code[digits:].strip("0") == "":
            return level
    return "village"


def _division_counts(scope: Scope, code: str, prefix: str) -> list[DivisionCount]:
    """Each child division of `code` with the caller's enterprises in it by risk colour:
    one query for the children, one for the counts."""
    children = list(registry.get(DIVISIONS).queryset(scope).filter(parent_id=code)
                    .annotate(at=PointOnSurface("geom")).order_by("code")
                    .values("code", "name", "level", "at"))
    if not children:
        return []
    digits = LEVEL_DIGITS[children[0]["level"]]
    counts = enterprise_division_risk_counts(scope=scope, within=prefix, digits=digits)
    risk = _region_risk(scope, [c["code"] for c in children])
    return [DivisionCount(c["code"], c["name"], c["at"].x, c["at"].y,
                          counts.get(c["code"][:digits], {}), risk.get(c["code"]))
            for c in children]


def _region_risk(scope: Scope, codes: list[str]) -> dict[str, int]:
    """Today's dynamic risk level of each division (the region risk layer's current
    rows), where the layer is there and the caller may read it."""
    layer = registry.get(REGION_RISK)
    if layer is None or not layer.visible_to(scope) or not layer.current:
        return {}
    return dict(layer.queryset(scope).filter(code__in=codes, **{layer.current: True})
                .values_list("code", "level"))


def _feature_drill(scope: Scope, layer: type[Layer], pk) -> Drill | None:
    geom = layer.geometry_field().name
    try:
        row = layer.queryset(scope).filter(pk=pk).annotate(box=Envelope(geom)).first()
    except (ValueError, TypeError, ValidationError):  # a pk of the wrong type
        return None
    if row is None:
        return None
    place = {"layer": layer.id, "id": str(row.pk)}
    children = [rows for child in registry.all()
                if child.parent and child.parent[0] == layer.id and child.visible_to(scope)
                if (rows := _child_rows(child, child.queryset(scope).filter(
                    **{child.parent[1]: row.pk}))).count]
    return Drill(place, _feature_trail(scope, layer, row), _bbox(row.box), children=children)


def _feature_trail(scope: Scope, layer: type[Layer], row) -> list[Crumb]:
    """The feature's division crumbs, then its parents' crumbs (enterprise, hazard
    source, unit), then its own; a parent the caller may not read ends the chain."""
    chain = [(layer, row)]
    while chain[-1][0].parent:
        parent_id, fk = chain[-1][0].parent
        parent = registry.get(parent_id)
        key = getattr(chain[-1][1], f"{fk}_id", None)
        up = parent.queryset(scope).filter(pk=key).first() if parent and key else None
        if up is None:
            break
        chain.append((parent, up))
    root_layer, root = chain[-1]
    code = getattr(root, root_layer.scope, None) if root_layer.scope else None
    crumbs = _division_trail(scope, code) if isinstance(code, str) and code else []
    return crumbs + [Crumb(_label(lyr, r), {"layer": lyr.id, "id": str(r.pk)})
                     for lyr, r in reversed(chain)]


def _child_rows(layer: type[Layer], qs) -> ChildRows:
    label = layer.label or layer.model._meta.pk.name
    rows = [(str(pk), str(text)) for pk, text in
            qs.order_by(label).values_list("pk", label)[:CHILD_ROWS]]
    count = len(rows) if len(rows) < CHILD_ROWS else qs.count()
    return ChildRows(layer.id, str(layer.title), count, rows)


def _label(layer: type[Layer], row) -> str:
    return str(getattr(row, layer.label)) if layer.label else str(row)


def _colour_labels(layer: type[Layer] | None) -> dict[int, str]:
    if layer is None or not isinstance(layer.colour_by, FourColour):
        return {}
    choices = layer.model._meta.get_field(layer.colour_by.property).choices or []
    return {level: str(label) for level, label in choices}


def _bbox(box) -> BBox | None:
    if box is None:
        return None
    west, south, east, north = box.extent
    return BBox(west, south, east, north)
