"""The dynamic risk layers (动态风险): each enterprise's score and each division's
aggregate, one row per day; without `datetime=` only the newest day (`current`)."""

from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from monitoring.risk.models import EnterpriseRisk, RegionRisk


@register
class EnterpriseRiskLayer(Layer):
    model = EnterpriseRisk  # 企业动态风险
    id = "enterprise_risk"
    title = _("企业动态风险")
    description = _("企业动态风险分值与四色等级（自定模型，含各项构成与模型版本），按日保留历史")
    properties = ["name", "industry", "score", "level", "static_term", "alarm_term",
                  "warning_term", "handling_term", "commitment_term", "online_term",
                  "hazard_level", "s_sum", "open_alarms", "open_warnings", "online_rate",
                  "model_version", "day", "as_of", "current", "enterprise", "division_code"]
    colour_by = FourColour("level")
    zoom = (6, 22)
    scope = "division_code"
    owner = "organisation"
    label = "name"
    search_fields = ["name"]
    time_field = "day"
    current = "current"


@register
class RegionRiskLayer(Layer):
    model = RegionRisk  # 区域动态风险
    id = "region_risk"
    title = _("区域动态风险")
    description = _("省、市、县、乡镇（园区）的动态风险：企业平均与最高分值、"
                    "各等级企业数，按日保留历史")
    properties = ["code", "name", "division_level", "score", "max_score", "level",
                  "enterprises", "red", "orange", "yellow", "blue", "model_version", "day",
                  "as_of", "current", "division_code"]
    colour_by = FourColour("level")
    zoom = (4, 14)
    scope = "division_code"
    label = "name"
    search_fields = ["name", "code"]
    time_field = "day"
    current = "current"
