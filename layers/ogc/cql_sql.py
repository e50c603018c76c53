"""A CQL2 filter (pygeofilter AST) as one parametrised SQL condition on `table() AS t`.

Only the layer's declared properties and its geometry can be named; every value goes
in as a parameter, converted to the property's type first, so a bad value or an
unknown name is a 400 that names it and never reaches PostgreSQL as text. The result
is ANDed after the caller's scope by `sql.where_sql` (a filter cannot widen the scope).

Spatial predicates keep the geometry index usable: literals are constant geometries
(`ST_GeomFromGeoJSON` of a parameter) and PostGIS's ST_Intersects/ST_Within/... add the
`&&` index test themselves; S_DWITHIN (metres on the sphere) adds an explicit `&&` box.
pygeofilter's own SQL backend interpolates values into the text, hence this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from pygeoapi.provider.base import ProviderInvalidQueryError
from pygeofilter import ast, values
from shapely.geometry import shape

from layers.base import Layer
from layers.ogc.near import MAX_RADIUS_M, expanded_box

GEOMETRY_NAMES = ("geometry", "geom")
_SPATIAL = {
    ast.GeometryIntersects: "ST_Intersects", ast.GeometryWithin: "ST_Within",
    ast.GeometryContains: "ST_Contains", ast.GeometryDisjoint: "ST_Disjoint",
    ast.GeometryTouches: "ST_Touches", ast.GeometryCrosses: "ST_Crosses",
    ast.GeometryOverlaps: "ST_Overlaps", ast.GeometryEquals: "ST_Equals",
}
_COMPARE = {ast.Equal: "=", ast.NotEqual: "<>", ast.LessThan: "<", ast.LessEqual: "<=",
            ast.GreaterThan: ">", ast.GreaterEqual: ">="}
_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mul: "*", ast.Div: "/"}
_UNITS = {None: 1.0, "m": 1.0, "meters": 1.0, "metres": 1.0, "km": 1000.0,
          "kilometers": 1000.0, "kilometres": 1000.0}
_NUMERIC = {"integer", "number"}
_TIME = {"date", "date-time"}


class FilterError(ProviderInvalidQueryError):
    def __init__(self, message: str):
        super().__init__(user_msg=f"filter: {message}")


@dataclass
class _Expr:
    sql: str
    params: list
    kind: str | None  # JSON type or format ("date", "date-time", "geometry"); None: literal
    value: object = None  # the Python value of a literal


def filter_sql(layer: type[Layer], fields: dict[str, dict], node) -> tuple[str, list]:
    """The filter as (SQL condition, parameters) over the layer's declared `fields`
    (`layer_fields`: name -> JSON schema type)."""
    return _Compiler(layer, fields).condition(node)


def _kind(schema: dict) -> str:
    return schema.get("format") if schema.get("format") in _TIME else schema["type"]


class _Compiler:
    def __init__(self, layer: type[Layer], fields: dict[str, dict]):
        self.layer = layer
        self.kinds = {name: _kind(schema) for name, schema in fields.items()}
        self.geometry = f't."{layer.geometry_field().column}"'
        self.geometry_names = {*GEOMETRY_NAMES, layer.geometry_field().name}

    # ---- conditions -------------------------------------------------------------
    def condition(self, node) -> tuple[str, list]:
        if isinstance(node, ast.And | ast.Or):
            (a, pa), (b, pb) = self.condition(node.lhs), self.condition(node.rhs)
            return f"({a} {'AND' if isinstance(node, ast.And) else 'OR'} {b})", pa + pb
        if isinstance(node, ast.Not):
            sql, params = self.condition(node.sub_node)
            return f"(NOT {sql})", params
        if isinstance(node, ast.Include):
            return ("FALSE" if node.not_ else "TRUE"), []
        for kinds, method in ((tuple(_COMPARE), self.compare), ((ast.Between,), self.between),
                              ((ast.Like,), self.like), ((ast.In,), self.in_),
                              ((ast.IsNull,), self.is_null), (tuple(_SPATIAL), self.spatial),
                              ((ast.DistanceWithin,), self.dwithin), ((ast.BBox,), self.bbox),
                              ((ast.TemporalPredicate,), self.temporal)):
            if isinstance(node, kinds):
                return method(node)
        raise FilterError(f"{type(node).__name__} is not supported")

    def compare(self, node) -> tuple[str, list]:
        lhs, rhs = self.pair(node.lhs, node.rhs)
        if "geometry" in (lhs.kind, rhs.kind):
            raise FilterError("compare geometries with S_EQUALS, not =")
        return f"({lhs.sql} {_COMPARE[type(node)]} {rhs.sql})", lhs.params + rhs.params

    def between(self, node) -> tuple[str, list]:
        lhs, low = self.pair(node.lhs, node.low)
        _, high = self.pair(node.lhs, node.high)
        sql = f"({lhs.sql} {'NOT ' if node.not_ else ''}BETWEEN {low.sql} AND {high.sql})"
        return sql, lhs.params + low.params + high.params

    def like(self, node) -> tuple[str, list]:
        lhs = self.expression(node.lhs)
        if lhs.kind != "string" or not isinstance(node.pattern, str):
            raise FilterError("LIKE compares a text property with a text pattern")
        op = ("NOT " if node.not_ else "") + ("ILIKE" if node.nocase else "LIKE")
        return f"({lhs.sql} {op} %s)", lhs.params + [_like_pattern(node.pattern)]

    def in_(self, node) -> tuple[str, list]:
        lhs = self.expression(node.lhs)
        options = [self.pair(node.lhs, option)[1] for option in node.sub_nodes]
        if not options:
            raise FilterError("IN needs at least one value")
        sql = f"({lhs.sql} {'NOT ' if node.not_ else ''}IN ({', '.join(o.sql for o in options)}))"
        return sql, lhs.params + [p for o in options for p in o.params]

    def is_null(self, node) -> tuple[str, list]:
        lhs = self.expression(node.lhs)
        return f"({lhs.sql} IS {'NOT ' if node.not_ else ''}NULL)", lhs.params

    def spatial(self, node) -> tuple[str, list]:
        lhs, rhs = self.geometry_expr(node.lhs), self.geometry_expr(node.rhs)
        return f"{_SPATIAL[type(node)]}({lhs.sql}, {rhs.sql})", lhs.params + rhs.params

    def bbox(self, node) -> tuple[str, list]:
        box = values.Geometry({"type": "Polygon", "coordinates": [[
            [node.minx, node.miny], [node.maxx, node.miny], [node.maxx, node.maxy],
            [node.minx, node.maxy], [node.minx, node.miny]]]})
        return self.spatial(ast.GeometryIntersects(node.lhs, box))

    def dwithin(self, node) -> tuple[str, list]:
        """Within metres on the sphere: an `&&` box on the geometry index first (wider,
        never narrower), then the exact geography test."""
        column, literal = node.lhs, node.rhs
        if isinstance(column, values.Geometry):
            column, literal = literal, column
        if self.geometry_expr(column).sql != self.geometry or not isinstance(
                literal, values.Geometry):
            raise FilterError("S_DWITHIN takes the geometry and a geometry literal")
        units = node.units.lower() if isinstance(node.units, str) else node.units
        if units not in _UNITS or not isinstance(node.distance, int | float) or isinstance(
                node.distance, bool):
            raise FilterError("S_DWITHIN distance is a number of metres (or km)")
        metres = float(node.distance) * _UNITS[units]
        if not 0 <= metres <= MAX_RADIUS_M:
            raise FilterError(f"S_DWITHIN distance must be 0 to {MAX_RADIUS_M:.0f} metres")
        shape_sql, params = self.geometry_expr(literal).sql, self.geometry_expr(literal).params
        box = expanded_box(_bounds(literal), metres)
        sql = (f"({self.geometry} && ST_MakeEnvelope(%s, %s, %s, %s, 4326) AND "
               f"ST_DWithin({self.geometry}::geography, ({shape_sql})::geography, %s, false))")
        return sql, [*box, *params, metres]

    def temporal(self, node) -> tuple[str, list]:
        lhs = self.expression(node.lhs)
        if lhs.kind not in _TIME:
            raise FilterError("temporal predicates compare a date or date-time property")
        start, end = self.instant_or_interval(lhs.kind, node.rhs)
        if isinstance(node, ast.TimeBefore):
            return f"({lhs.sql} < %s)", lhs.params + [start]
        if isinstance(node, ast.TimeAfter):
            return f"({lhs.sql} > %s)", lhs.params + [end]
        if isinstance(node, ast.TimeEquals) and start == end:
            return f"({lhs.sql} = %s)", lhs.params + [start]
        if isinstance(node, ast.TimeOverlaps | ast.TimeDuring):  # T_INTERSECTS is Overlaps
            strict = isinstance(node, ast.TimeDuring)
            parts, params = [], []
            for bound, op in ((start, ">" if strict else ">="), (end, "<" if strict else "<=")):
                if bound is not None:
                    parts.append(f"{lhs.sql} {op} %s")
                    params += lhs.params + [bound]
            return f"({' AND '.join(parts) or 'TRUE'})", params
        raise FilterError(f"{type(node).__name__} is not supported")

    def instant_or_interval(self, kind: str, node) -> tuple[object, object]:
        if isinstance(node, values.Interval):
            bounds = [None if b is None else _typed(kind, b, "interval") for b in
                      (node.start, node.end)]
            return bounds[0], bounds[1]
        value = _typed(kind, node, "instant")
        return value, value

    # ---- expressions ------------------------------------------------------------
    def pair(self, a, b) -> tuple[_Expr, _Expr]:
        """Two sides of a comparison, a literal converted to the other side's type."""
        lhs, rhs = self.expression(a), self.expression(b)
        if lhs.kind is None and rhs.kind is not None:
            lhs = _literal(rhs.kind, lhs.value)
        elif rhs.kind is None and lhs.kind is not None:
            rhs = _literal(lhs.kind, rhs.value)
        elif not _comparable(lhs.kind, rhs.kind):
            raise FilterError(f"cannot compare {lhs.kind} with {rhs.kind}")
        return lhs, rhs

    def expression(self, node) -> _Expr:
        if isinstance(node, ast.Attribute):
            return self.attribute(node.name)
        if isinstance(node, values.Geometry):
            return self.geometry_expr(node)
        if isinstance(node, ast.Function):
            return self.function(node)
        if isinstance(node, tuple(_ARITHMETIC)):
            lhs, rhs = self.pair(node.lhs, node.rhs)
            if not {lhs.kind or "number", rhs.kind or "number"} <= _NUMERIC:
                raise FilterError("arithmetic needs numbers")
            return _Expr(f"({lhs.sql} {_ARITHMETIC[type(node)]} {rhs.sql})",
                         lhs.params + rhs.params, "number")
        if isinstance(node, bool | int | float | str | date):
            return _Expr("%s", [node], None, node)
        raise FilterError(f"{type(node).__name__} is not supported here")

    def attribute(self, name: str) -> _Expr:
        if name in self.geometry_names:
            return _Expr(self.geometry, [], "geometry")
        if name not in self.kinds:
            raise FilterError(f"unknown property {name!r} (see /queryables)")
        return _Expr(f't."{self.layer.column(name)}"', [], self.kinds[name])

    def geometry_expr(self, node) -> _Expr:
        if isinstance(node, values.Geometry):
            geojson = {k: v for k, v in node.geometry.items() if k != "crs"}
            return _Expr("ST_SetSRID(ST_GeomFromGeoJSON(%s::text), 4326)", [json.dumps(geojson)],
                         "geometry")
        expr = self.expression(node)
        if expr.kind != "geometry":
            raise FilterError("spatial predicates take geometries")
        return expr

    def function(self, node) -> _Expr:
        if node.name.lower() == "lower" and len(node.arguments) == 1:
            arg = self.expression(node.arguments[0])
            if arg.kind not in ("string", None):
                raise FilterError("CASEI takes text")
            return _Expr(f"lower({arg.sql})", arg.params, "string")
        raise FilterError(f"function {node.name} is not supported")


def _comparable(a: str | None, b: str | None) -> bool:
    return a == b or {a, b} <= _NUMERIC or {a, b} <= _TIME or None in (a, b)


def _literal(kind: str, value) -> _Expr:
    return _Expr("%s", [_typed(kind, value, "value")], kind, value)


def _typed(kind: str, value, what: str):
    """A literal converted to a property's type, or a 400 saying why not."""
    try:
        if kind == "integer" and not isinstance(value, bool):
            return int(value) if not isinstance(value, float) else value
        if kind == "number" and not isinstance(value, bool):
            return float(value)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            return {"true": True, "false": False}[str(value).lower()]
        if kind == "string" and not isinstance(value, bool | date):
            return str(value)
        if kind in _TIME:
            if isinstance(value, date):
                return value
            text = str(value).replace("Z", "+00:00")
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except (ValueError, KeyError, TypeError):
        pass
    raise FilterError(f"{value!r} is not a valid {kind} {what}")


def _like_pattern(pattern: str) -> str:
    """A CQL2 LIKE pattern (% any, _ one, \\ escapes) in PostgreSQL's LIKE syntax. CQL2's
    single-character wildcard is `_` (pygeofilter records `.`, which would make every
    dot in a name a wildcard)."""
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append("\\" + char if char in "%_\\" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out) + ("\\\\" if escaped else "")


def _bounds(geometry: values.Geometry) -> tuple[float, float, float, float]:
    try:
        return shape({k: v for k, v in geometry.geometry.items() if k != "crs"}).bounds
    except Exception:
        raise FilterError("invalid geometry literal") from None


def datetime_bounds(layer: type[Layer], raw: str) -> tuple[object, object]:
    """`datetime=` (an instant, `start/end`, `../end`, `start/..`) as (start, end) on the
    layer's time field, None for an open end; 400 for an undated layer or a bad value."""
    if layer.time_field is None:
        raise ProviderInvalidQueryError(
            user_msg=f"datetime: collection {layer.id} has no time field")
    parts = raw.split("/")
    if len(parts) > 2:
        raise ProviderInvalidQueryError(user_msg=f"datetime: {raw!r} is not an instant or "
                                                 "an interval")
    bounds = []
    for part in parts:
        if part in ("", ".."):
            bounds.append(None)
            continue
        try:
            bounds.append(_typed("date-time", part, "instant"))
        except FilterError:
            raise ProviderInvalidQueryError(
                user_msg=f"datetime: {part!r} is not an RFC 3339 date or date-time") from None
    start, end = bounds if len(bounds) == 2 else (bounds[0], bounds[0])
    if start is None and end is None and len(parts) == 1:
        raise ProviderInvalidQueryError(user_msg="datetime: empty")
    return start, end
