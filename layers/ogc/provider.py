"""pygeoapi feature provider for any registered Layer.

pygeoapi instantiates the provider per request from the config entry
`{"name": "layers.ogc.provider.LayerProvider", "data": "<layer id>", ...}`;
construction only looks the layer up, so it is cheap. Queries run on Django's
connection (persistent per thread) with the caller's scope from
`layers.ogc.context`.
"""

from __future__ import annotations

import json
import time
from functools import cache

from django.db import DataError, connection, transaction
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)
from pygeoapi.util import str2bool

from layers.base import Layer, registry
from layers.ogc import cql_sql, sql
from layers.ogc.context import current_scope
from layers.ogc.near import PARAMETERS as NEAR_PARAMETERS
from layers.ogc.near import near_from_params
from layers.ogc.splice import current_splice

_JSON_TYPES = {
    "AutoField": "integer", "BigAutoField": "integer", "SmallAutoField": "integer",
    "IntegerField": "integer", "BigIntegerField": "integer", "SmallIntegerField": "integer",
    "PositiveIntegerField": "integer", "PositiveSmallIntegerField": "integer",
    "PositiveBigIntegerField": "integer", "FloatField": "number", "DecimalField": "number",
    "BooleanField": "boolean", "DateField": "string", "DateTimeField": "string",
}
_FORMATS = {"DateField": "date", "DateTimeField": "date-time"}


@cache
def layer_fields(layer_id: str) -> dict[str, dict]:
    """JSON schema types of a layer's declared properties (queryables, filters, sortby)."""
    layer = registry.get(layer_id)
    fields = {}
    for name in layer.properties:
        kind = sql.model_field(layer, name).get_internal_type()
        fields[name] = {"type": _JSON_TYPES.get(kind, "string")}
        if kind in _FORMATS:
            fields[name]["format"] = _FORMATS[kind]
    return fields


def typed_value(layer: type[Layer], name: str, raw: str) -> object:
    """A query-string value converted for comparison with the property's column."""
    kind = layer_fields(layer.id)[name]["type"]
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "boolean":
            return str2bool(raw)
    except ValueError:
        raise ProviderInvalidQueryError(
            user_msg=f"{name}: {raw!r} is not a valid {kind}") from None
    return raw


class LayerProvider(BaseProvider):
    """Features of one Layer, read from PostGIS under the caller's scope."""

    def __init__(self, provider_def: dict):
        super().__init__(provider_def)
        self.layer = registry.get(self.data)
        if self.layer is None:
            raise ValueError(f"no layer {self.data!r} in the registry")
        self.id_field = "id"
        self.title_field = self.layer.label
        self._fields = layer_fields(self.layer.id)

    def get_fields(self) -> dict:
        return self._fields

    def query(self, offset: int = 0, limit: int = 10, resulttype: str = "results",
              bbox: list | None = None, properties: list | None = None,
              sortby: list | None = None, select_properties: list | None = None,
              skip_geometry: bool = False, q: str | None = None, filterq=None,
              crs_transform_spec=None, datetime_: str | None = None, **kwargs) -> dict:
        # pygeoapi hands every extra query parameter over (include_extra_query_parameters):
        # properties filter, `near`/`radius` sort by distance, anything else is ignored
        extra = {k: v for k, v in properties or [] if k in NEAR_PARAMETERS}
        query = sql.ItemQuery(
            scope=current_scope(), bbox=_bbox(bbox),
            near=near_from_params(self.layer, extra),
            equals=[(k, typed_value(self.layer, k, v)) for k, v in properties or []
                    if k in self._fields],
            text=q, sortby=[(s["property"], s["order"] == "-") for s in sortby or []],
            select=[p for p in select_properties or [] if p in self._fields],
            skip_geometry=skip_geometry, crs=_crs(crs_transform_spec),
            when=cql_sql.datetime_bounds(self.layer, datetime_) if datetime_ else None,
            cql=self.condition(filterq),
        )
        if query.cql is None:
            return self._query(query, offset, limit, resulttype)
        try:  # values are typed first; what only the data can refuse (a division by
            with transaction.atomic():  # zero, an overflow) is still the client's 400
                return self._query(query, offset, limit, resulttype)
        except DataError as error:
            raise cql_sql.FilterError(str(error).splitlines()[0]) from None

    def condition(self, filterq) -> tuple[str, list] | None:
        """The extra SQL condition of a query: CQL2 `filter=` here; subclasses add theirs."""
        return None if filterq is None else cql_sql.filter_sql(self.layer, self._fields,
                                                               filterq)

    def _query(self, query: sql.ItemQuery, offset: int, limit: int, resulttype: str) -> dict:
        features: list = []
        matched = None
        if resulttype != "hits":
            page = sql.filtered_page_sql if _spatial_first(self.layer, query.bbox, offset + limit) \
                else sql.page_sql
            text, returned, matched = _row(*page(self.layer, query, offset, limit))
            splice = current_splice()
            features = splice.features(text, returned) if splice else json.loads(text)
        returned = len(features)
        if matched is None and resulttype != "hits" and (
                0 < returned < limit or (offset == 0 and returned < limit)):
            matched = offset + returned  # the page itself proves the total: no count query
        if matched is None:
            matched = _row(*sql.count_sql(self.layer, query))[0]
        return {"type": "FeatureCollection", "features": features,
                "numberMatched": matched, "numberReturned": returned}

    def get(self, identifier, crs_transform_spec=None, **kwargs) -> dict:
        try:
            pk = sql.model_field(self.layer, self.layer.model._meta.pk.name).to_python(identifier)
        except Exception:  # a malformed id names no item: 404, as for a missing one
            raise ProviderItemNotFoundError(user_msg="identifier not found") from None
        query = sql.ItemQuery(scope=current_scope(), crs=_crs(crs_transform_spec))
        row = _row(*sql.item_sql(self.layer, query, pk))
        if row is None:
            raise ProviderItemNotFoundError(user_msg="identifier not found")
        return json.loads(row[0])

    def __repr__(self) -> str:
        return f"<LayerProvider> {self.data}"


def _row(statement: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def _spatial_first(layer: type[Layer], bbox, wanted: int) -> bool:
    """Whether the bbox should drive the plan: walking the key order visits about
    wanted * rows / matched rows, finding the bbox's rows first visits `matched`,
    so the bbox wins when matched² < wanted * rows (matched estimated by area)."""
    if bbox is None:
        return False
    rows, extent = _table_stats(layer)
    if rows is None or rows <= 0 or extent is None:  # no statistics yet
        return True
    x0, y0, x1, y1 = extent
    area = max((x1 - x0) * (y1 - y0), 1e-12)
    overlap = max(0.0, min(x1, bbox[2]) - max(x0, bbox[0])) * \
        max(0.0, min(y1, bbox[3]) - max(y0, bbox[1]))
    matched = rows * min(overlap / area, 1.0)
    return matched * matched < wanted * rows


_stats: dict[str, tuple[float, tuple]] = {}
STATS_SECONDS = 60.0


def _table_stats(layer: type[Layer]) -> tuple:
    """(estimated rows, estimated extent) of a layer's table, cached for a minute."""
    now = time.monotonic()
    hit = _stats.get(layer.id)
    if hit and hit[0] > now:
        return hit[1]
    row = _row(*sql.stats_sql(layer))
    stats = (row[0], None if row[1] is None else tuple(row[1:])) if row else (0, None)
    _stats[layer.id] = (now + STATS_SECONDS, stats)
    return stats


def _bbox(bbox: list | None) -> tuple[float, float, float, float] | None:
    if not bbox:
        return None
    if len(bbox) == 6:  # 3D box: the height range does not apply to 2D storage
        bbox = [bbox[0], bbox[1], bbox[3], bbox[4]]
    return tuple(bbox)


def _crs(spec) -> sql.OutputCrs:
    return sql.output_crs(spec.target_crs_uri) if spec is not None else sql.CRS84
