"""Data versions per layer and per cell: a tile's cache key changes whenever rows it shows do."""

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


class CellVersion(models.Model):
    """The version of one z10 cell (`tiles.cells.CELL_ZOOM`) of a layer table: bumped by
    the statement-level triggers of `tiles.triggers` for the cells the written rows were
    and are in (ADR 0019); never written by Python, never deleted (a tile's key is the
    highest version over its cells, which must never go down)."""

    pk = models.CompositePrimaryKey("layer_table", "x", "y")
    layer_table = models.CharField(_("数据表"), max_length=63)
    x = models.IntegerField(_("列号"))
    y = models.IntegerField(_("行号"))
    version = models.BigIntegerField(_("版本"))

    class Meta:
        verbose_name = _("瓦片格网数据版本")
        verbose_name_plural = _("瓦片格网数据版本")

    def __str__(self) -> str:
        return f"{self.layer_table}/{self.x}/{self.y}@{self.version}"
