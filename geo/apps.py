from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("空间基础")

    def ready(self) -> None:
        from geo.audit import audit_track
        from geo.models import Division, GridCell, Organisation

        for model in (Division, GridCell, Organisation):
            audit_track(model)
