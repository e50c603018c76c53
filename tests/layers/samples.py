"""A valid sample row of any registered layer (or of any model a layer row needs).

The row sits beside an anchor (the world fixture's first enterprise in county A): a geometry
of the model's type a few metres from it, the anchor's division code in the layer's scope
field and its organisation in the owner field. A required foreign key takes the anchor where
the related model is the anchor's, else the existing row nearest the anchor (smallest first,
so a county before its province), else a new sample; a taken one-to-one gets a new sample.
model_bakery fills every other required field. Models are reached through the registry
and `_meta`, never by import path.
"""

from __future__ import annotations

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Area, Distance
from django.contrib.gis.geos import (
    GEOSGeometry,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.db.models import Field, Model
from model_bakery import baker

from layers.base import Layer, registry

SIDE = 0.001  # degrees (~100 m): the sample's square or line starts at the anchor point


def sample_row(layer: type[Layer], world) -> Model:
    """One row of `layer` in county A, next to its first enterprise."""
    return sample(layer.model, world.enterprises_a[0])


def sample(model: type[Model], anchor: Model) -> Model:
    values: dict = {}
    geom = _geometry_field(model)
    if geom is not None:
        values[geom.name] = geometry_near(geom, anchor.geom)
    for layer in registry.for_model(model)[:1]:
        if layer.scope:
            values[layer.scope] = anchor.division_code
        if layer.owner:
            values[layer.owner] = _related(model._meta.get_field(layer.owner),
                                           anchor, anchor.organisation)
    for field in model._meta.concrete_fields:
        if field.is_relation and not field.null and field.name not in values:
            values[field.name] = _related(field, anchor, _existing(field.related_model, anchor))
    return baker.make(model, **values)


def geometry_near(field: GeometryField, point: Point) -> GEOSGeometry:
    """A geometry of the field's type starting at `point`: the point, a line or a square."""
    x, y = point.x, point.y
    line = LineString((x, y), (x + SIDE, y + SIDE))
    square = Polygon.from_bbox((x, y, x + SIDE, y + SIDE))
    shapes = {"POINT": Point(x, y), "MULTIPOINT": MultiPoint(Point(x, y)),
              "LINESTRING": line, "MULTILINESTRING": MultiLineString(line),
              "POLYGON": square, "MULTIPOLYGON": MultiPolygon(square)}
    shape = shapes[field.geom_type.upper()]
    shape.srid = field.srid
    return shape


def _geometry_field(model: type[Model]) -> GeometryField | None:
    return next((f for f in model._meta.concrete_fields if isinstance(f, GeometryField)), None)


def _related(field: Field, anchor: Model, row: Model | None) -> Model:
    """`row` for the foreign key `field` (the anchor first), or a new sample of its model when
    there is none or a one-to-one already holds it."""
    if isinstance(anchor, field.related_model):
        row = anchor
    model = field.model
    if row is None or (field.unique and model._default_manager.filter(**{field.name: row})
                       .exists()):
        return sample(field.related_model, anchor)
    return row


def _existing(model: type[Model], anchor: Model) -> Model | None:
    rows = model._default_manager.all()
    geom = _geometry_field(model)
    if geom is None:
        return rows.order_by("pk").first()
    return rows.order_by(Distance(geom.name, anchor.geom), Area(geom.name), "pk").first()
