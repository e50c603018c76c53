"""Gateways, monitored units and sensors (网关, 监测单元, 监测点位/指标): the devices of
重大危险源在线监测. Each is a point on the map owned by an enterprise.

A sensor is matched to what a collector agent publishes by (gateway code, point id); its
live columns (last value, quality, time, alarm state) are written by the ingest, never typed.
Thresholds follow the provincial sensor tables (低低报 LL, 低报 L, 高报 H, 高高报 HH) and, for
gas detectors, GB/T 50493-2019 (`gas_limits`). Writes go through `services`.
"""

import secrets

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from geo.places import Owned
from monitoring.devices import thresholds

_CODE = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$",
                       _("只能包含字母、数字和 _ . : -，且以字母或数字开头"))


def _new_key() -> str:
    return secrets.token_hex(32)


class Gateway(Owned):
    """Data-acquisition gateway (数据采集网关): one collector agent at a plant."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="gateways", verbose_name=_("企业"))
    code = models.CharField(_("网关编码"), max_length=64, unique=True, validators=[_CODE],
                            help_text=_("与采集终端配置中的 gateway_id 相同"))
    name = models.CharField(_("名称"), max_length=200)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    in_use = models.BooleanField(_("在用"), default=True)
    # Protocol §4: each gateway signs with its own HMAC key (32 random bytes, hex); the
    # optional encryption key opens `encrypted` bodies (AES-256-GCM / SM4).
    hmac_key = models.CharField(_("签名密钥"), max_length=64, default=_new_key,
                                help_text=_("64位十六进制，与采集终端的 hmac_key 相同"))
    enc_key = models.CharField(_("加密密钥"), max_length=64, blank=True,
                               help_text=_("十六进制；为空则不接受加密报文"))
    last_seen = models.DateTimeField(_("最后通信时间"), null=True, blank=True, editable=False)
    online = models.BooleanField(_("在线"), default=False, editable=False)

    class Meta:
        verbose_name = _("网关")
        verbose_name_plural = _("网关")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class UnitKind(models.TextChoices):
    TANK = "tank", _("储罐")
    DEVICE = "device", _("装置")
    WAREHOUSE = "warehouse", _("仓库")
    OTHER = "other", _("其他")


class MonitoredUnit(Owned):
    """Monitored unit (监测单元): a tank, a process device or a warehouse, usually inside a
    major hazard source (重大危险源)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="monitored_units", verbose_name=_("企业"))
    hazard_source = models.ForeignKey("registry.HazardSource", models.SET_NULL, null=True,
                                      blank=True, related_name="monitored_units",
                                      verbose_name=_("所属重大危险源"))
    code = models.CharField(_("单元编码"), max_length=64, validators=[_CODE])
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("单元类型"), max_length=12, choices=UnitKind.choices)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    in_use = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("监测单元")
        verbose_name_plural = _("监测单元")
        ordering = ["enterprise_id", "code"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "code"],
                                               name="monitoredunit_code_per_enterprise")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.TextChoices):
    """指标类型, with the unit each is usually measured in."""

    LEVEL = "level", _("液位")
    TEMPERATURE = "temperature", _("温度")
    PRESSURE = "pressure", _("压力")
    FLOW = "flow", _("流量")
    COMBUSTIBLE_GAS = "combustible_gas", _("可燃气体（%LEL）")
    TOXIC_GAS = "toxic_gas", _("有毒气体（ppm / %OEL）")
    OXYGEN = "oxygen", _("氧气（%VOL）")
    LINE_GAS = "line_gas", _("线型可燃气体（LEL·m）")
    SWITCH = "switch", _("开关量")


class Quality(models.TextChoices):
    GOOD = "good", _("正常")
    UNCERTAIN = "uncertain", _("可疑")
    BAD = "bad", _("无效")


class AlarmState(models.TextChoices):
    """The sensor's state against its thresholds, as the ingest last judged it."""

    UNKNOWN = "unknown", _("无数据")
    NORMAL = "normal", _("正常")
    LOW = "low", _("低报")
    LOW_LOW = "low_low", _("低低报")
    HIGH = "high", _("高报")
    HIGH_HIGH = "high_high", _("高高报")
    OFFLINE = "offline", _("离线")


# The map colour of an alarm state: 1 red (limit crossed twice), 2 orange (once), 4 blue
# (no data / offline); None = normal.
ALARM_LEVELS = {AlarmState.HIGH_HIGH: 1, AlarmState.LOW_LOW: 1, AlarmState.HIGH: 2,
                AlarmState.LOW: 2, AlarmState.OFFLINE: 4}
# What each colour means on the map's legend (the level's choices)
ALARM_LEVEL_LABELS = [(1, _("高高报 / 低低报")), (2, _("高报 / 低报")), (4, _("离线"))]


class Sensor(Owned):
    """Monitoring point (监测点位 / 指标) read by a gateway."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="sensors", verbose_name=_("企业"))
    # by code: what the agent publishes and what an import file names
    gateway = models.ForeignKey(Gateway, models.PROTECT, to_field="code",
                                related_name="sensors", verbose_name=_("网关"))
    unit = models.ForeignKey(MonitoredUnit, models.SET_NULL, null=True, blank=True,
                             related_name="sensors", verbose_name=_("监测单元"))
    point = models.CharField(_("点位标识"), max_length=128, validators=[_CODE],
                             help_text=_("采集终端配置中的点位 id，如 T-101.level"))
    name = models.CharField(_("名称"), max_length=200)
    indicator = models.CharField(_("指标类型"), max_length=16, choices=Indicator.choices)
    tag = models.CharField(_("位号"), max_length=64, blank=True)
    measure_unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    range_low = models.FloatField(_("量程下限"), null=True, blank=True)
    range_high = models.FloatField(_("量程上限"), null=True, blank=True)
    threshold_ll = models.FloatField(_("低低报阈值"), null=True, blank=True)
    threshold_l = models.FloatField(_("低报阈值"), null=True, blank=True)
    threshold_h = models.FloatField(_("高报阈值"), null=True, blank=True)
    threshold_hh = models.FloatField(_("高高报阈值"), null=True, blank=True)
    cas = models.CharField(_("监测气体CAS号"), max_length=20, blank=True)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    in_use = models.BooleanField(_("在用"), default=True)
    last_value = models.FloatField(_("最新值"), null=True, blank=True, editable=False)
    last_quality = models.CharField(_("数据质量"), max_length=10, choices=Quality.choices,
                                    blank=True, editable=False)
    last_at = models.DateTimeField(_("最新数据时间"), null=True, blank=True, editable=False)
    alarm_state = models.CharField(_("报警状态"), max_length=10, choices=AlarmState.choices,
                                   default=AlarmState.UNKNOWN, editable=False, db_index=True)
    alarm_level = models.PositiveSmallIntegerField(_("报警等级"), null=True, blank=True,
                                                   choices=ALARM_LEVEL_LABELS, editable=False)

    class Meta:
        verbose_name = _("监测点位")
        verbose_name_plural = _("监测点位")
        ordering = ["gateway_id", "point"]
        constraints = [models.UniqueConstraint(fields=["gateway", "point"],
                                               name="sensor_point_per_gateway")]

    def __str__(self) -> str:
        return f"{self.name}（{self.tag or self.point}）"

    def clean(self) -> None:
        """Gas detector defaults filled in, then the range and thresholds checked, and the
        gateway and unit must be the enterprise's own."""
        values = thresholds.with_defaults(
            {f: getattr(self, f) for f in ("indicator", "measure_unit", *thresholds.NUMBERS)})
        for field in thresholds.THRESHOLDS:
            setattr(self, field, values[field])
        found = thresholds.problems(values)
        if self.gateway_id and self.enterprise_id and \
                self.gateway.enterprise_id != self.enterprise_id:
            found["gateway"] = _("网关不属于该企业")
        if self.unit_id and self.enterprise_id and self.unit.enterprise_id != self.enterprise_id:
            found["unit"] = _("监测单元不属于该企业")
        if found:
            raise ValidationError(found)
