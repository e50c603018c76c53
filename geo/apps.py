from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("空间基础")

    def ready(self) -> None:
        from django.apps import apps

        from geo.audit import audit_track
        from geo.models import Audited

        for model in apps.get_models():
            if issubclass(model, Audited):
                audit_track(model)
