from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class TilesConfig(AppConfig):
    name = "tiles"
    verbose_name = _("矢量瓦片")

    def ready(self) -> None:
        from tiles.triggers import install_triggers

        post_migrate.connect(install_triggers, sender=self,
                             dispatch_uid="tiles.install_triggers")
        post_save.connect(_layer_written, dispatch_uid="tiles.layer_saved")
        post_delete.connect(_layer_written, dispatch_uid="tiles.layer_deleted")


def _layer_written(sender, using="default", **kwargs) -> None:
    """A write through the ORM: learn the new version as soon as it commits, so this
    process's next tile is fresh without waiting for the notification."""
    from layers.base import registry
    from tiles.versions import refresh_after_commit

    for layer in registry.for_model(sender)[:1]:
        refresh_after_commit(layer.table(), using)
