from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("图层")

    def ready(self) -> None:
        from layers.base import discover

        discover()
