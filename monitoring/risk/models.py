"""Dynamic risk scores (动态风险): one row per enterprise per day and one per division
per day, the latest run of the day; `current` marks the newest day's rows, which the
layers show when no `datetime=` is asked (ADR 0021)."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Owned, Placed
from layers.rasters import register_raster_source


class RiskLevel(models.IntegerChoices):
    RED = 1, _("重大风险（红）")
    ORANGE = 2, _("较大风险（橙）")
    YELLOW = 3, _("一般风险（黄）")
    BLUE = 4, _("低风险（蓝）")


class EnterpriseRisk(Owned):
    """An enterprise's dynamic risk on one day (企业动态风险): score, level and the
    contributions that make it up, under `model_version`."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="risk_days", verbose_name=_("企业"))
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=8, blank=True)
    day = models.DateField(_("日期"))
    as_of = models.DateTimeField(_("计算时间"))
    current = models.BooleanField(_("最新"), default=True)
    score = models.FloatField(_("风险分值"))
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices)
    static_term = models.FloatField(_("静态风险分"))
    alarm_term = models.FloatField(_("报警分"))
    warning_term = models.FloatField(_("预警分"))
    handling_term = models.FloatField(_("处置时长分"))
    commitment_term = models.FloatField(_("承诺分"))
    online_term = models.FloatField(_("设备离线分"))
    hazard_level = models.PositiveSmallIntegerField(_("最高危险源级别"), null=True, blank=True)
    s_sum = models.FloatField(_("q/Q之和"), default=0)
    open_alarms = models.PositiveIntegerField(_("未解除报警数"), default=0)
    open_warnings = models.PositiveIntegerField(_("未关闭预警数"), default=0)
    online_rate = models.FloatField(_("设备在线率"), null=True, blank=True)
    model_version = models.CharField(_("模型版本"), max_length=24)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("企业动态风险")
        verbose_name_plural = _("企业动态风险")
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"],
                                               name="enterprise_risk_once_a_day")]
        indexes = [models.Index(fields=["day"], name="enterprise_risk_day"),
                   models.Index(fields=["division_code"], condition=models.Q(current=True),
                                name="enterprise_risk_current")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class RegionRisk(Placed):
    """A division's dynamic risk on one day (区域动态风险: province, city, county, town or
    park), aggregated from its enterprises' scores of that day."""

    code = models.CharField(_("区划代码"), max_length=12)
    name = models.CharField(_("名称"), max_length=100)
    division_level = models.CharField(_("区划级别"), max_length=10)
    day = models.DateField(_("日期"))
    as_of = models.DateTimeField(_("计算时间"))
    current = models.BooleanField(_("最新"), default=True)
    score = models.FloatField(_("平均风险分值"))
    max_score = models.FloatField(_("最高风险分值"))
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskLevel.choices)
    enterprises = models.PositiveIntegerField(_("企业数"))
    red = models.PositiveIntegerField(_("重大风险企业数"))
    orange = models.PositiveIntegerField(_("较大风险企业数"))
    yellow = models.PositiveIntegerField(_("一般风险企业数"))
    blue = models.PositiveIntegerField(_("低风险企业数"))
    model_version = models.CharField(_("模型版本"), max_length=24)
    geom = models.MultiPolygonField(_("边界"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("区域动态风险")
        verbose_name_plural = _("区域动态风险")
        constraints = [models.UniqueConstraint(fields=["code", "day"],
                                               name="region_risk_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


# 风险态势云图: the day's surface of these scores as raster tiles (ADR 0027)
register_raster_source("risk_cloud", "monitoring.risk.cloud_tiles.RiskCloudRasters")
