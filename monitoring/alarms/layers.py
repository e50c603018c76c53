"""The alarm layers: alarms and graded warnings as features (OGC API Features, tiles),
in the same scope as the enterprise's sensors."""

from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from monitoring.alarms.models import Alarm, EarlyWarning


class _Live(Layer):
    zoom = (8, 22)
    scope = "division_code"
    owner = "organisation"
    label = "title"
    search_fields = ["title"]


@register
class Alarms(_Live):
    model = Alarm  # 报警
    id = "alarms"
    page = "alarms:alarm"
    title = _("报警")
    description = _("监测点位超限、速率异常、数据不变、无数据、网关离线与多点关联报警，含处置状态")
    properties = ["title", "kind", "level", "direction", "status", "value", "peak", "threshold",
                  "raised_at", "cleared_at", "flaps", "false_alarm", "sensor", "unit",
                  "hazard_source", "gateway", "enterprise", "division_code", "rules_version"]
    # red: HH / LL and combinations, orange: H / L, yellow: rate / flat line, blue: no data
    colour_by = FourColour("level")
    time_field = "raised_at"


@register
class Warnings(_Live):
    model = EarlyWarning  # 分级预警
    id = "warnings"
    shown = True
    page = "alarms:warning"
    title = _("预警")
    description = _("按分级预警矩阵定级的红、橙、黄、蓝预警，含推送层级与关闭时间")
    properties = ["title", "level", "reason", "raised_at", "upgraded_at", "tier", "pushes",
                  "closed_at", "alarm", "hazard_source", "enterprise", "division_code",
                  "rules_version"]
    colour_by = FourColour("level")
    time_field = "raised_at"
