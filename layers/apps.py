from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("图层")

    def ready(self) -> None:
        # Each app declares its layers in `<app>/layers.py`; the core layers live here.
        from geo.audit import audit_track
        from layers import core_layers  # noqa: F401
        from layers.base import registry

        autodiscover_modules("layers")
        for layer in registry.all():
            audit_track(layer.model)
