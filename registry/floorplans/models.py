"""Plant floor plans (厂区平面图): an enterprise's uploaded drawing, placed on the map by
control points and stored as a Cloud-Optimised GeoTIFF for raster tiles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned
from layers.rasters import register_raster_source


class FloorPlan(Audited, Owned):
    """A floor plan image; `division_code` and `organisation` copy the enterprise's so
    `geo.scope` filters plans like any other enterprise-owned row."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="floor_plans", verbose_name=_("企业"))
    name = models.CharField(_("名称"), max_length=200)
    original = models.FileField(_("原始文件"), max_length=300)
    media_type = models.CharField(_("文件类型"), max_length=40)
    width = models.PositiveIntegerField(_("宽度（像素）"))
    height = models.PositiveIntegerField(_("高度（像素）"))
    control_points = models.JSONField(_("控制点"), default=list, blank=True)
    fit_method = models.CharField(_("校正方法"), max_length=20, default="affine",
                                  choices=[("affine", _("仿射变换")),
                                           ("polynomial", _("二次多项式"))])
    transform = models.JSONField(_("变换系数"), null=True, blank=True,
                                 help_text=_("像素 → EPSG:3857：仿射为 a,b,c,d,e,f 六个系数；"
                                             "二次多项式为 x、y 各六个系数"))
    residuals_m = models.JSONField(_("控制点残差（米）"), default=list, blank=True)
    rms_m = models.FloatField(_("均方根残差（米）"), null=True, blank=True)
    extent = models.JSONField(_("范围（EPSG:3857）"), null=True, blank=True)
    cog = models.FileField(_("云优化GeoTIFF"), max_length=300, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("厂区平面图")
        verbose_name_plural = _("厂区平面图")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.name


# Served by `tiles` as /tiles/floorplans/{id}/{z}/{x}/{y}.png through this hook.
register_raster_source("floorplans", "registry.floorplans.tile_source.FloorPlanRasters")
