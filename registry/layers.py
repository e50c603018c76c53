from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from registry.models import Enterprise, HazardSource


@register
class Enterprises(Layer):
    model = Enterprise
    id = "enterprises"
    title = _("企业")
    description = _("辖区内安全生产监管企业，按风险等级四色显示")
    properties = ["name", "credit_code", "industry", "risk_level", "division_code",
                  "address", "has_major_hazard"]
    colour_by = FourColour("risk_level")
    zoom = (6, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "credit_code", "address"]


@register
class HazardSources(Layer):
    model = HazardSource  # 重大危险源
    id = "hazard_sources"
    title = _("重大危险源")
    description = _("危险化学品重大危险源（生产单元、储存单元），按GB 18218分级四色显示")
    properties = ["name", "kind", "level", "is_major", "division_code", "enterprise"]
    colour_by = FourColour("level")
    zoom = (10, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name"]
