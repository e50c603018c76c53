"""Search across layers (一张图检索): features whose search fields (name, credit code,
tag, filing number… as each layer declares) contain the text, read through each layer's
scoped queryset and sent to the database as ONE query (a UNION of the layers' parts)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast

from geo.scope import Scope
from layers.base import Layer, registry

PER_LAYER = 6   # hits of one layer (the nearest kinds of feature all get a turn)
MAX_TEXT = 60   # characters searched for; a longer text is cut


@dataclass(frozen=True)
class Hit:
    layer_id: str
    layer_title: str
    pk: str
    label: str


def features_search(*, scope: Scope, text: str) -> list[Hit]:
    """Features the caller may see matching `text`, per layer those starting with it first,
    layers in registration order; base-map layers (water, roads) are not searched."""
    text = (text or "").strip().replace("\x00", "")[:MAX_TEXT]
    if len(text) < 2 and not text.isdigit():
        return []
    layers = [layer for layer in registry.all()
              if layer.visible_to(scope) and not layer.base and layer.search_fields]
    parts = [_part(layer, scope, text, order) for order, layer in enumerate(layers)]
    if not parts:
        return []
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    titles = {layer.id: str(layer.title) for layer in layers}
    rows = sorted(query, key=lambda r: (r["hit_rank"], r["hit_layer_order"], r["hit_text"]))
    return [Hit(r["hit_layer_id"], titles[r["hit_layer_id"]], r["hit_key"], r["hit_text"])
            for r in rows]


def _part(layer: type[Layer], scope: Scope, text: str, order: int):
    label = layer.label or layer.model._meta.pk.name
    match = reduce(or_, (Q(**{f"{name}__icontains": text}) for name in layer.search_fields))
    starts = reduce(or_, (Q(**{f"{name}__istartswith": text}) for name in layer.search_fields))
    return (layer.queryset(scope).filter(match)
            .annotate(hit_layer_id=Value(layer.id, output_field=TextField()),
                      hit_layer_order=Value(order, output_field=IntegerField()),
                      hit_key=Cast("pk", TextField()), hit_text=Cast(label, TextField()),
                      hit_rank=Case(When(starts, then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("hit_rank", label)
            .values("hit_layer_id", "hit_layer_order", "hit_key", "hit_text",
                    "hit_rank")[:PER_LAYER])
