"""The device layers of online monitoring: gateways, monitored units and sensors."""

from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, FourColour, Layer, register
from monitoring.devices.models import Gateway, MonitoredUnit, Sensor


class _Device(Layer):
    zoom = (12, 22)
    scope = "division_code"
    owner = "organisation"


@register
class Gateways(_Device):
    model = Gateway  # 数据采集网关
    id = "gateways"
    title = _("采集网关")
    description = _("企业现场数据采集网关，含在线状态与最后通信时间")
    properties = ["code", "name", "enterprise", "division_code", "in_use", "online",
                  "last_seen"]
    colour_by = Fixed("#455A64")
    parent = ("enterprises", "enterprise")
    search_fields = ["code", "name"]


@register
class MonitoredUnits(_Device):
    model = MonitoredUnit  # 监测单元
    id = "monitored_units"
    title = _("监测单元")
    description = _("储罐、装置、仓库等监测对象，多位于重大危险源内")
    properties = ["code", "name", "kind", "enterprise", "hazard_source", "division_code",
                  "in_use"]
    colour_by = Fixed("#00897B")
    parent = ("hazard_sources", "hazard_source")
    search_fields = ["code", "name"]


@register
class Sensors(_Device):
    model = Sensor  # 监测点位
    id = "sensors"
    title = _("监测点位")
    description = _("液位、温度、压力、可燃/有毒气体等监测点位，含阈值与最新值、报警状态")
    properties = ["point", "name", "indicator", "tag", "measure_unit", "range_low",
                  "range_high", "threshold_ll", "threshold_l", "threshold_h", "threshold_hh",
                  "cas", "in_use", "gateway", "unit", "enterprise", "division_code",
                  "last_value", "last_quality", "last_at", "alarm_state", "alarm_level"]
    # red: HH/LL, orange: H/L, blue: offline; grey: normal or no data yet
    colour_by = FourColour("alarm_level")
    zoom = (13, 22)
    parent = ("monitored_units", "unit")
    search_fields = ["point", "name", "tag"]
    import_hook = "monitoring.devices.imports.SensorImport"
