"""The base map (底图): water, roads and built-up areas, reference geography every map
draws beneath the business layers. Public, like divisions; the demo generates it
(`data/basemap.py`), a real deployment imports it (OSM or 天地图 extracts) through the one
layer importer."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


class WaterKind(models.TextChoices):
    RIVER = "river", _("河流")
    LAKE = "lake", _("湖泊")


class RoadKind(models.TextChoices):
    EXPRESSWAY = "expressway", _("高速公路")
    PROVINCIAL = "provincial", _("省道")
    COUNTY = "county", _("县道")


class _Feature(Placed):
    """What every base-map feature has: a name (and its place)."""

    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Water(_Feature):
    kind = models.CharField(_("类型"), max_length=10, choices=WaterKind.choices)
    geom = models.MultiPolygonField(_("范围"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("水系")
        verbose_name_plural = _("水系")


class Road(_Feature):
    kind = models.CharField(_("等级"), max_length=12, choices=RoadKind.choices)
    geom = models.MultiLineStringField(_("线路"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("道路")
        verbose_name_plural = _("道路")


class BuiltUpArea(_Feature):
    geom = models.MultiPolygonField(_("范围"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("建成区")
        verbose_name_plural = _("建成区")
