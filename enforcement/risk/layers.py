"""The risk layers: risk points (风险点) and the four-colour map's zones (风险四色图), each
with its OGC collection, tiles, style and export in the four colours."""

from django.utils.translation import gettext_lazy as _

from enforcement.risk.models import RiskPoint, RiskZone
from layers.base import FourColour, Layer, register


@register
class RiskPoints(Layer):
    model = RiskPoint  # 风险点 / 风险分析单元
    id = "risk_points"
    page = "risk:detail"
    parent = ("enterprises", "enterprise")
    title = _("风险点")
    description = _("企业风险点（风险分析单元），按风险等级四色显示；未评价的为灰色")
    properties = ["name", "kind", "level", "control_level", "enterprise", "division_code",
                  "department", "responsible"]
    colour_by = FourColour("level")
    zoom = (12, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "hazard_factors"]


@register
class RiskZones(Layer):
    model = RiskZone  # 风险四色图的区域
    id = "risk_zones"
    parent = ("enterprises", "enterprise")
    title = _("风险四色分布区域")
    description = _("企业在厂区平面图上绘制的风险区域，取区域内最高风险等级的颜色")
    properties = ["name", "level", "enterprise", "division_code"]
    colour_by = FourColour("level")
    fill_opacity = 0.4  # 35–50 % fill with a solid outline (domain reference §8)
    zoom = (13, 22)
    scope = "division_code"
    owner = "organisation"
