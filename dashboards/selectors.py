"""Reads for the dashboards, all through the layer registry and the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ForeignKey, Model
from django.urls import reverse
from django.utils.translation import gettext as _

from geo.scope import Scope
from layers.base import FOUR_COLOURS, FourColour, Layer, registry

DIVISIONS = "divisions"  # the layer whose extent frames a caller's map


ENTERPRISES = "enterprises"
HOME_MARGIN = 0.03  # degrees around an enterprise user's plants (~3 km)


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class RecordField:
    label: str
    value: str
    colour: str | None = None  # the four-colour swatch of a risk level


@dataclass(frozen=True)
class FeatureRecord:
    layer_id: str
    layer_title: str
    heading: str  # the feature's label (its name), else its text form
    fields: list[RecordField]
    url: str | None = None  # the feature's own page (Layer.page)


def layers_visible(*, scope: Scope) -> list[type[Layer]]:
    """Registered layers the caller can see anything of, in registration order."""
    return [layer for layer in registry.all() if layer.visible_to(scope)]


def home_extent(*, scope: Scope) -> BBox | None:
    """Where a map opens: an enterprise user's own plants (a few kilometres around them),
    everyone else's jurisdiction (`division_extent`)."""
    layer = registry.get(ENTERPRISES)
    if scope.organisation_id is not None and layer is not None and not scope.everything:
        box = layer.queryset(scope).aggregate(box=Extent(layer.geometry_field().name))["box"]
        if box is not None:
            west, south, east, north = box
            return BBox(west - HOME_MARGIN, south - HOME_MARGIN, east + HOME_MARGIN,
                        north + HOME_MARGIN)
    return division_extent(scope=scope)


def division_extent(*, scope: Scope) -> BBox | None:
    """ST_Extent of the caller's own jurisdiction, else of every division they can see.

    Divisions are a public layer, so `queryset(scope)` alone would frame the whole country for
    everyone; the scope is applied once more without the public override to find "my area".
    """
    layer = registry.get(DIVISIONS)
    if layer is None:
        return None
    visible = layer.queryset(scope)
    own = scope.filter(visible, division_field=layer.scope, owner_field=layer.owner)
    geom = layer.geometry_field().name
    for candidate in (own, visible):
        box = candidate.aggregate(box=Extent(geom))["box"]
        if box is not None:
            return BBox(*box)
    return None


def feature_record(*, scope: Scope, layer_id: str, pk) -> FeatureRecord | None:
    """One feature of a layer as labelled fields, or None if absent or outside the scope."""
    layer = registry.get(layer_id)
    if layer is None or not layer.visible_to(scope):
        return None
    try:
        row = layer.queryset(scope).filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):  # a pk of the wrong type finds nothing
        return None
    if row is None:
        return None
    fields = [_record_field(layer, row, name) for name in layer.properties]
    heading = str(getattr(row, layer.label)) if layer.label else str(row)
    url = reverse(layer.page, args=[row.pk]) if layer.page else None
    return FeatureRecord(layer.id, str(layer.title), heading, fields, url)


def _record_field(layer: type[Layer], row: Model, name: str) -> RecordField:
    field = row._meta.get_field(name)
    raw = getattr(row, name)
    if field.choices:
        value = getattr(row, f"get_{name}_display")()
    elif isinstance(field, BooleanField):
        value = _("是") if raw else _("否")
    elif isinstance(field, ForeignKey):
        value = str(raw) if raw is not None else ""
    else:
        value = "" if raw is None else str(raw)
    colour = None
    if isinstance(layer.colour_by, FourColour) and layer.colour_by.property == name:
        colour = FOUR_COLOURS.get(raw)
    return RecordField(str(field.verbose_name), str(value), colour)


def colour_legend(layer: type[Layer]) -> list[tuple[str, str]]:
    """(label, colour) of each four-colour class of a layer, labels from the field's choices
    (a field whose choices name only some levels shows only those)."""
    if not isinstance(layer.colour_by, FourColour):
        return []
    field = layer.model._meta.get_field(layer.colour_by.property)
    labels = dict(field.choices or [])
    return [(str(labels.get(level, level)), colour) for level, colour in FOUR_COLOURS.items()
            if not labels or level in labels]
