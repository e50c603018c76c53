"""Emergency resources (应急资源): points on the map, one model and one layer each.

Imported by `registry.models`; nearest / within-radius reads live in
`registry.resources.selectors`.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MinValueValidator
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


class ResourceBase(Placed):
    """What every emergency resource has: a name, a place and someone to call."""

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        # Nearest / within-radius queries order by geodesic distance: a GiST index on the
        # geography cast lets `<->` and ST_DWithin use it (degrees would skew east-west).
        indexes = [GistIndex(Cast("geom", models.PointField(geography=True, srid=4326)),
                             name="%(class)s_geog")]

    def __str__(self) -> str:
        return self.name


class EmergencyOrganisation(ResourceBase):
    """Emergency rescue organisation (应急救援机构)."""

    class Meta(ResourceBase.Meta):
        verbose_name = _("应急救援机构")
        verbose_name_plural = _("应急救援机构")


class RescueTeam(ResourceBase):
    """Rescue team (救援队伍)."""

    members = models.PositiveIntegerField(_("队员人数"), default=0)
    speciality = models.CharField(_("专业类别"), max_length=100, blank=True,
                                  help_text=_("如 危化品救援、矿山救护、消防"))
    equipment = models.TextField(_("主要装备"), blank=True)

    class Meta(ResourceBase.Meta):
        verbose_name = _("救援队伍")
        verbose_name_plural = _("救援队伍")


class Expert(ResourceBase):
    """Emergency expert (应急专家); personal data, so never a public layer."""

    field = models.CharField(_("专业领域"), max_length=100, blank=True)

    class Meta(ResourceBase.Meta):
        verbose_name = _("应急专家")
        verbose_name_plural = _("应急专家")


class Warehouse(ResourceBase):
    """Material warehouse (物资储备库); its stock is in `WarehouseItem`."""

    class Meta(ResourceBase.Meta):
        verbose_name = _("物资储备库")
        verbose_name_plural = _("物资储备库")


class WarehouseItem(models.Model):
    """One line of a warehouse's inventory (储备物资)."""

    warehouse = models.ForeignKey(Warehouse, models.CASCADE, related_name="items",
                                  verbose_name=_("物资储备库"))
    item = models.CharField(_("物资名称"), max_length=100)
    quantity = models.DecimalField(_("数量"), max_digits=14, decimal_places=2,
                                   validators=[MinValueValidator(0)])
    unit = models.CharField(_("单位"), max_length=20)
    expiry_date = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("储备物资")
        verbose_name_plural = _("储备物资")
        ordering = ["warehouse", "item"]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}{self.unit}"


class MedicalFacility(ResourceBase):
    """Medical facility (医疗机构)."""

    class Meta(ResourceBase.Meta):
        verbose_name = _("医疗机构")
        verbose_name_plural = _("医疗机构")


class ShelterKind(models.TextChoices):
    INDOOR = "indoor", _("室内避难场所")
    OUTDOOR = "outdoor", _("室外避难场所")


class ShelterStatus(models.TextChoices):
    CERTIFIED = "certified", _("已认定")
    EVALUATING = "evaluating", _("评估中")
    INSPECTING = "inspecting", _("核查中")


class Shelter(ResourceBase):
    """Emergency shelter (避难场所)."""

    kind = models.CharField(_("类型"), max_length=16, choices=ShelterKind.choices,
                            default=ShelterKind.OUTDOOR)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=2,
                                  default=0, validators=[MinValueValidator(0)])
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    facilities = models.TextField(_("配套设施"), blank=True)
    status = models.CharField(_("认定状态"), max_length=16, choices=ShelterStatus.choices,
                              default=ShelterStatus.EVALUATING)

    class Meta(ResourceBase.Meta):
        verbose_name = _("避难场所")
        verbose_name_plural = _("避难场所")


class FireStation(ResourceBase):
    """Fire station (消防站)."""

    class Meta(ResourceBase.Meta):
        verbose_name = _("消防站")
        verbose_name_plural = _("消防站")
