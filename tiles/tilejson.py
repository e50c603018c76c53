"""TileJSON 3.0.0 documents derived from Layer declarations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.utils.translation import gettext as _

from geo.scope import Scope
from layers.base import Layer
from tiles.selectors import data_bounds

WORLD = [-180.0, -85.0511287798066, 180.0, 85.0511287798066]
_NUMBER_FIELDS = (models.IntegerField, models.FloatField, models.DecimalField,
                  models.AutoField, models.BigAutoField, models.SmallAutoField)


def tile_url(base_url: str, layers: list[type[Layer]], token: str | None) -> str:
    """The XYZ template; a `?token=` is carried so token-only map clients keep working."""
    ids = ",".join(layer.id for layer in layers)
    query = "?" + urlencode({"token": token}) if token else ""
    return f"{base_url}/tiles/{ids}/{{z}}/{{x}}/{{y}}.mvt{query}"


def tilejson_document(layers: list[type[Layer]], scope: Scope, *, base_url: str,
                      token: str | None = None) -> dict:
    bounds = data_bounds(layers, scope) or WORLD
    minzoom = min(layer.zoom[0] for layer in layers)
    maxzoom = max(layer.zoom[1] for layer in layers)
    center_zoom = min(max(minzoom, 8), maxzoom)
    return {
        "tilejson": "3.0.0",
        "name": ",".join(layer.id for layer in layers),
        "description": "; ".join(str(layer.title) for layer in layers),
        "scheme": "xyz",
        "tiles": [tile_url(base_url, layers, token)],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, center_zoom],
        "vector_layers": [v for layer in layers for v in _vector_layers(layer)],
    }


def _vector_layers(layer: type[Layer]) -> list[dict]:
    """The layer's own, and its label points' when it has them (same fields)."""
    fields = {"id": _field_type(layer.model._meta.pk)}
    for name in layer.properties:
        fields[name] = _field_type(layer.model._meta.get_field(name))
    own = {"id": layer.id, "description": str(layer.title), "fields": fields,
           "minzoom": layer.zoom[0], "maxzoom": layer.zoom[1]}
    if not layer.label_points():
        return [own]
    return [own, {**own, "id": layer.label_points(),
                  "description": f"{layer.title} · {_('注记点')}"}]


def _field_type(field) -> str:
    target = getattr(field, "target_field", None) or field  # FK: the type of the key
    if isinstance(target, models.BooleanField):
        return "Boolean"
    return "Number" if isinstance(target, _NUMBER_FIELDS) else "String"
