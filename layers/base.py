"""The layer registry: one `Layer` declaration per feature type.

A declaration names the model, the properties to publish, the zoom range, the
colour rule and the scope; OGC API collections, vector tiles, styles, admin and
exports are all derived from it (see ARCHITECTURE.md, "One declaration").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.gis.db.models import GeometryField
from django.db.models import Model, QuerySet

from geo.scope import Scope

# Below this zoom dense point layers are thinned and their tiles carry only the colour
# property (a click fetches the full record); labels start here.
DETAIL_ZOOM = 12

# Risk four colours (四色): level 1 major (red) .. 4 low (blue).
FOUR_COLOURS = {1: "#FF0000", 2: "#FF8C00", 3: "#FFD700", 4: "#1E90FF"}


@dataclass(frozen=True)
class FourColour:
    """Colour features by a 1-4 risk level property."""

    property: str
    fallback: str = "#9E9E9E"

    def expression(self) -> list:
        """MapLibre `match` expression on the property."""
        expr: list = ["match", ["to-number", ["get", self.property]]]
        for level, colour in FOUR_COLOURS.items():
            expr += [level, colour]
        return expr + [self.fallback]


@dataclass(frozen=True)
class Fixed:
    """One colour for every feature."""

    colour: str

    def expression(self) -> str:
        return self.colour


class Layer:
    """Subclass and decorate with `@register`. Class attributes are the declaration."""

    model: ClassVar[type[Model]]
    id: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    properties: ClassVar[list[str]] = []
    colour_by: ClassVar[FourColour | Fixed] = Fixed("#3F51B5")
    zoom: ClassVar[tuple[int, int]] = (0, 22)
    scope: ClassVar[str | None] = "division_code"   # field holding the division code
    owner: ClassVar[str | None] = None               # field holding the owning organisation id
    public: ClassVar[bool] = False                   # readable by anyone, logged in or not
    label: ClassVar[str | None] = "name"             # property used for map labels
    # Drawn when a map opens (the orienting few); the others are one tick away.
    shown: ClassVar[bool] = False
    # Base map (water, roads, built-up areas): drawn beneath every other layer.
    base: ClassVar[bool] = False
    # A polygon's fill: faint by default (nested polygons stack), opaque for the base map.
    fill_opacity: ClassVar[float] = 0.05
    # Line (or outline) width by a property's value, (property, {value: px}); None: one.
    width_by: ClassVar[tuple[str, dict[str, float]] | None] = None
    # Labels by zoom band, for a layer whose features nest (divisions): (property,
    # [(from zoom, value), …]) labels the features whose property is that value from that
    # zoom to the next band's; None: every feature is labelled from DETAIL_ZOOM on.
    label_bands: ClassVar[tuple[str, list[tuple[float, str]]] | None] = None
    search_fields: ClassVar[list[str]] = ["name"]
    # A declared date/date-time property that dates each feature: the OGC API's
    # `datetime=` filters on it and /queryables marks it `primary-instant`; None: undated.
    time_field: ClassVar[str | None] = None
    # A declared boolean property true on the newest row of each feature, for a layer that
    # keeps dated snapshots (one row per feature per day): OGC items without `datetime=`
    # and tiles show those rows only; with `datetime=` every snapshot in the window.
    current: ClassVar[str | None] = None
    # Dotted path of a `layers.imports.ImportHook` subclass for file columns that are not
    # model fields (e.g. a hazard source's chemicals); None imports plain rows only.
    import_hook: ClassVar[str | None] = None
    # URL name of a feature's own page (一企一档, 一源一档…), reversed with its pk: the
    # map's record panel links to it; None: the record is all there is.
    page: ClassVar[str | None] = None
    # Where a feature sits in the one map's drill-down (enterprise -> hazard source ->
    # monitored unit -> sensor): (parent layer id, the foreign-key property naming the
    # parent feature); None: a layer reached by division only.
    parent: ClassVar[tuple[str, str] | None] = None

    # ---- derived, not declared -------------------------------------------------
    @classmethod
    def geometry_field(cls) -> GeometryField:
        for field in cls.model._meta.concrete_fields:
            if isinstance(field, GeometryField):
                return field
        raise TypeError(f"layer {cls.id}: {cls.model.__name__} has no geometry field")

    @classmethod
    def geometry_type(cls) -> str:
        """Point, LineString or Polygon (multi-types folded into their simple kind)."""
        kind = cls.geometry_field().geom_type.upper().replace("MULTI", "")
        return {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon"}[kind]

    @classmethod
    def label_points(cls) -> str | None:
        """The vector tiles' layer of this polygon layer's label points (one point per
        feature, `tiles.sql`), None for points and lines, which are named where they are."""
        return f"{cls.id}_label" if cls.label and cls.geometry_type() == "Polygon" else None

    @classmethod
    def table(cls) -> str:
        return cls.model._meta.db_table

    @classmethod
    def pk_column(cls) -> str:
        return cls.model._meta.pk.column

    @classmethod
    def column(cls, name: str) -> str:
        """Database column of a declared property (FK properties resolve to their id column)."""
        return cls.model._meta.get_field(name).column

    @classmethod
    def scope_columns(cls) -> tuple[str | None, str | None]:
        division = cls.column(cls.scope) if cls.scope else None
        owner = cls.column(cls.owner) if cls.owner else None
        return division, owner

    @classmethod
    def queryset(cls, scope: Scope) -> QuerySet:
        """The rows a caller with `scope` may read. The only ORM entry point for reads."""
        return scope.filter(
            cls.model._default_manager.all(), division_field=cls.scope,
            owner_field=cls.owner, public=cls.public,
        )

    @classmethod
    def scope_sql(cls, scope: Scope, alias: str = "t") -> tuple[str, list]:
        """The same filter for raw SQL on `table() AS alias`."""
        division, owner = cls.scope_columns()
        return scope.sql(
            division_col=f'{alias}."{division}"' if division else None,
            owner_col=f'{alias}."{owner}"' if owner else None,
            public=cls.public,
        )

    @classmethod
    def current_sql(cls, alias: str = "t") -> str:
        """The condition keeping only current snapshots ("true" for a plain layer)."""
        return f'{alias}."{cls.column(cls.current)}"' if cls.current else "true"

    @classmethod
    def extent_sql(cls, scope: Scope) -> tuple[str, list]:
        """xmin, ymin, xmax, ymax in 4326 of the rows `scope` may read (NULLs if none)."""
        where, params = cls.scope_sql(scope, "t")
        geom = f't."{cls.geometry_field().column}"'
        return (f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                f'(SELECT ST_Extent({geom}) AS e FROM "{cls.table()}" t WHERE {where}) s',
                params)

    @classmethod
    def visible_to(cls, scope: Scope) -> bool:
        """Whether a caller sees any row at all (unscoped callers only see public layers)."""
        return cls.public or scope.key != "public"


# Query parameters of OGC API Features items and our extensions, which properties may
# not shadow.
RESERVED_PARAMETERS = frozenset({
    "f", "lang", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "properties",
    "skipGeometry", "sortby", "filter", "filter-lang", "filter-crs", "q", "token", "near",
    "radius"})


class LayerRegistry:
    def __init__(self) -> None:
        self._layers: dict[str, type[Layer]] = {}

    def register(self, layer: type[Layer]) -> type[Layer]:
        if layer.id in self._layers and self._layers[layer.id] is not layer:
            raise ValueError(f"layer id {layer.id!r} declared twice")
        unknown = [p for p in layer.properties if not _has_field(layer.model, p)]
        if unknown:
            raise ValueError(f"layer {layer.id}: unknown properties {unknown}")
        # a property is also a query parameter of its OGC items (`?name=...`)
        taken = sorted(set(layer.properties) & RESERVED_PARAMETERS)
        if taken:
            raise ValueError(f"layer {layer.id}: properties {taken} are OGC API query "
                             "parameters; name the fields otherwise")
        layer.geometry_field()  # raises early for a model without geometry
        if layer.time_field is not None and (
                layer.time_field not in layer.properties
                or layer.model._meta.get_field(layer.time_field).get_internal_type()
                not in ("DateField", "DateTimeField")):
            raise ValueError(f"layer {layer.id}: time_field {layer.time_field!r} must be a "
                             "declared date or date-time property")
        if layer.current is not None and (
                layer.current not in layer.properties or layer.time_field is None
                or layer.model._meta.get_field(layer.current).get_internal_type()
                != "BooleanField"):
            raise ValueError(f"layer {layer.id}: current {layer.current!r} must be a declared "
                             "boolean property of a layer with a time_field")
        if layer.parent is not None and (
                layer.parent[1] not in layer.properties
                or not layer.model._meta.get_field(layer.parent[1]).many_to_one):
            raise ValueError(f"layer {layer.id}: parent {layer.parent!r} must name a declared "
                             "foreign-key property")
        self._layers[layer.id] = layer
        return layer

    def get(self, layer_id: str) -> type[Layer] | None:
        return self._layers.get(layer_id)

    def all(self) -> list[type[Layer]]:
        return list(self._layers.values())

    def for_model(self, model: type[Model]) -> list[type[Layer]]:
        return [layer for layer in self._layers.values() if layer.model is model]

    def ids(self) -> list[str]:
        return list(self._layers)


def _has_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


registry = LayerRegistry()
register = registry.register


_discovered = False


def discover() -> None:
    """Import every app's `layers.py` once (admin autodiscovery may ask before our ready())."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from django.utils.module_loading import autodiscover_modules

    from geo.audit import audit_track
    from layers import core_layers  # noqa: F401  (the core layers live in this package)

    autodiscover_modules("layers")
    for layer in registry.all():
        audit_track(layer.model)
