"""The risk point layer (风险点): OGC collection, tiles, style and export, four colours."""

from django.utils.translation import gettext_lazy as _

from enforcement.risk.models import RiskPoint
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
