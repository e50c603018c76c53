"""The layer catalogue: what the registry declares, as data (`manage.py layer_catalogue`).

One entry per registered layer, in registry order, with what the faces derive from it
(OGC collection id, MapLibre style layer ids). The committed copy (`tests/layer_catalogue.json`)
is what cross-cutting tests read instead of literal lists, so a new layer means regenerating
the file (`make catalogue`), not editing tests.
"""

from __future__ import annotations

import json

from layers.base import Layer, registry
from layers.ogc.config import in_languages, site_config
from layers.ogc.edr import edr_collections
from layers.styles import style_layers


def _entry(layer: type[Layer], collection: str) -> dict:
    ids = [style["id"] for style in style_layers(layer)]
    meta = layer.model._meta
    return {
        "id": layer.id,
        "title": in_languages(layer.title),
        "public": layer.public,
        "geometry_type": layer.geometry_type(),
        "zoom": list(layer.zoom),
        "scope": layer.scope,
        "owner": layer.owner,
        "properties": list(layer.properties),
        "time_field": layer.time_field,
        "shown": layer.shown,
        "base": layer.base,
        "model": meta.label_lower,
        "collection": collection,
        "style_layers": ids,
        "label_layer": next((i for i in ids if i.endswith("-label")), None),
    }


def layer_catalogue() -> dict:
    """Every registered layer, in registry order, and the OGC API – EDR collections
    (ADR 0016), which are collections but not layers: public when their items layer is."""
    layers = registry.all()
    resources = site_config(base_url="", layers=layers, extents={})["resources"]
    collection = {res["providers"][0]["data"]: cid for cid, res in resources.items()}
    return {"layers": [_entry(layer, collection[layer.id]) for layer in layers],
            "edr_collections": [{
                "id": c.id, "title": in_languages(c.title), "items_layer": c.items_layer,
                "public": registry.get(c.items_layer).public,
            } for c in edr_collections()]}


def catalogue_text() -> str:
    """The catalogue as the committed file holds it: sorted keys, indented, final newline."""
    return json.dumps(layer_catalogue(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
