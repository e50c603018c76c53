"""Admin list and search for every registered layer, derived from its declaration and scoped."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from geo.scope import scope_for_user
from layers.base import Layer, discover, registry


def _admin_for(layer: type[Layer]) -> type[GISModelAdmin]:
    model = layer.model
    choice_fields = [p for p in layer.properties
                     if getattr(model._meta.get_field(p), "choices", None)]

    class LayerAdmin(GISModelAdmin):
        list_display = ["__str__", *[p for p in layer.properties if p != layer.label]][:8]
        search_fields = layer.search_fields
        list_filter = choice_fields
        list_per_page = 50

        def get_queryset(self, request):
            return layer.queryset(scope_for_user(request.user))

    LayerAdmin.__name__ = f"{model.__name__}Admin"
    return LayerAdmin


def register_layer_admins() -> None:
    discover()
    for layer in registry.all():
        if not admin.site.is_registered(layer.model):
            admin.site.register(layer.model, _admin_for(layer))


register_layer_admins()
