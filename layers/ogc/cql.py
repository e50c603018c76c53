"""CQL2 `filter=` parsing for the OGC API (OGC API - Features Part 3).

pygeofilter parses; this module only adapts it to what clients send:

- pygeoapi 0.21 parses `filter` with pygeofilter's *ECQL* parser and refuses
  `filter-lang=cql2-text|cql2-json`, so CQL2 (`S_INTERSECTS`, `NOT (...)`, `TIMESTAMP`)
  answers 400. `install()` points pygeoapi's parse call at `parse_filter`, which reads
  CQL2 JSON when the text is a JSON object and CQL2 text otherwise; `accept_filter_lang`
  maps the CQL2 language names onto the ones pygeoapi checks. pygeoapi then still does
  the rest (filter-crs → storage CRS for geometry literals, 400 on a parse error) and
  keeps `filter` in its paging links.
- pygeofilter's CQL2 grammars lack `S_DWITHIN` (not in CQL2 1.0, but what GIS clients
  use for "within a distance"): text gets one `%extend` rule, JSON one pre-pass, both
  producing pygeofilter's own `DistanceWithin` node. Distances are metres unless a
  unit (`km`, `kilometers`) is given. Its text grammar also writes temporal predicates
  infix only (`a T_AFTER b`); a second rule adds CQL2's `T_AFTER(a, b)`.
- BBOX literals become polygons before pygeoapi transforms geometries, so filter-crs
  applies to them too (pygeofilter's JSON `bbox` also fills its Envelope in the wrong
  order).

The AST is translated to SQL in `layers.ogc.cql_sql`.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields, is_dataclass

import pygeoapi.api.itemtypes as itemtypes_api
import pygeofilter.parsers.cql2_text.parser as cql2_text
from lark import Lark, v_args
from pygeofilter import ast, values
from pygeofilter.cql2 import TEMPORAL_PREDICATES_MAP
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json

# filter-lang values we accept -> the spelling pygeoapi 0.21 checks for
# what the filter supports, added to pygeoapi's conformance declaration (GDAL and QGIS
# push a filter down only to a server that declares filter, features-filter and cql2-text)
CONFORMANCE = [f"http://www.opengis.net/spec/{c}" for c in (
    "ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter",
    "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/basic-cql2",
    "cql2/1.0/conf/advanced-comparison-operators", "cql2/1.0/conf/case-insensitive-comparison",
    "cql2/1.0/conf/basic-spatial-functions", "cql2/1.0/conf/basic-spatial-functions-plus",
    "cql2/1.0/conf/spatial-functions", "cql2/1.0/conf/property-property",
    "cql2/1.0/conf/arithmetic")]
FILTER_LANGS = {"cql2-text": "cql-text", "cql2-json": "cql-json",
                "cql-text": "cql-text", "cql-json": "cql-json"}

_EXTRA_RULES = """
%extend predicate: "S_DWITHIN"i "(" expression "," expression "," full_number ["," attribute] ")" -> s_dwithin
%extend temporal_predicate: _binary_temporal_predicate_func "(" expression "," expression ")" -> t_function
"""  # noqa: E501  (grammar lines)


@v_args(meta=False, inline=True)
class _Transformer(cql2_text.CQLTransformer):
    def s_dwithin(self, lhs, rhs, distance, units=None):
        return ast.DistanceWithin(lhs, rhs, distance, units.name if units else None)

    def t_function(self, op, lhs, rhs):
        return TEMPORAL_PREDICATES_MAP[op.lower()](lhs, rhs)


def _text_parser() -> Lark:
    folder = os.path.dirname(cql2_text.__file__)
    with open(os.path.join(folder, "grammar.lark"), encoding="utf-8") as grammar:
        text = grammar.read() + _EXTRA_RULES
    return Lark(text, parser="lalr", maybe_placeholders=False, transformer=_Transformer(),
                import_paths=[os.path.dirname(folder)])


_parser = _text_parser()


def parse_filter(text: str) -> ast.Node:
    """The pygeofilter AST of a CQL2 text or CQL2 JSON filter (raises on bad input)."""
    if text.lstrip().startswith("{"):
        node = parse_cql2_json(_json_extras(json.loads(text)))
    else:
        node = _parser.parse(text)
    return _boxes_to_polygons(node)


def _json_extras(node):
    """`s_dwithin` and `bbox` objects of CQL2 JSON turned into nodes pygeofilter keeps."""
    if isinstance(node, list):
        return [_json_extras(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "bbox" in node and len(node) == 1:
        return values.Geometry(_box_polygon(*node["bbox"]))
    if str(node.get("op", "")).lower() == "s_dwithin":
        args = [parse_cql2_json(_json_extras(arg)) for arg in node.get("args", [])]
        if len(args) not in (3, 4):
            raise ValueError("s_dwithin takes a geometry, a geometry and a distance")
        return ast.DistanceWithin(*args[:3], args[3] if len(args) == 4 else None)
    return {key: _json_extras(value) for key, value in node.items()}


def _box_polygon(x0: float, y0: float, x1: float, y1: float, *rest) -> dict:
    if rest:  # a 3D box: height range dropped (storage is 2D)
        x0, y0, x1, y1 = x0, y0, y1, rest[0]
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _boxes_to_polygons(node):
    """BBOX(...) functions and Envelopes replaced in place by polygon literals."""
    if isinstance(node, ast.Function) and node.name.lower() == "bbox":
        return values.Geometry(_box_polygon(*node.arguments))
    if isinstance(node, values.Envelope):
        return values.Geometry(node.geometry)
    if isinstance(node, list):
        return [_boxes_to_polygons(item) for item in node]
    if is_dataclass(node) and isinstance(node, ast.Node | values.Interval):
        for f in fields(node):
            setattr(node, f.name, _boxes_to_polygons(getattr(node, f.name)))
    return node


def accept_filter_lang(params: dict) -> dict:
    """The query parameters with a CQL2 `filter-lang` spelt as pygeoapi expects."""
    lang = params.get("filter-lang")
    if lang is None or lang not in FILTER_LANGS or FILTER_LANGS[lang] == lang:
        return params
    params = params.copy()
    params["filter-lang"] = FILTER_LANGS[lang]
    return params


def install() -> None:
    """Make pygeoapi's items endpoint parse `filter` with `parse_filter` and declare the
    filter conformance classes (idempotent)."""
    itemtypes_api.parse_ecql_text = parse_filter
    declared = itemtypes_api.CONFORMANCE_CLASSES_FEATURES
    declared += [uri for uri in CONFORMANCE if uri not in declared]
