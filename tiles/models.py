"""Per-layer data versions: the tile cache key changes whenever a layer's table does."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LayerVersion(models.Model):
    """Bumped by a statement-level trigger on every registered layer's table
    (installed by `tiles.triggers`); never written by Python."""

    layer_table = models.CharField(_("数据表"), max_length=63, primary_key=True)
    version = models.BigIntegerField(_("版本"))

    class Meta:
        verbose_name = _("图层数据版本")
        verbose_name_plural = _("图层数据版本")

    def __str__(self) -> str:
        return f"{self.layer_table}@{self.version}"
