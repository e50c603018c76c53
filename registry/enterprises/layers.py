"""The enterprise layer (企业): OGC collection, tiles, style, admin and export."""

from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from registry.enterprises.models import Enterprise


@register
class Enterprises(Layer):
    model = Enterprise
    id = "enterprises"
    shown = True
    page = "enterprise_detail"
    title = _("企业")
    description = _("辖区内安全生产监管企业，按风险等级四色显示")
    properties = ["name", "credit_code", "industry", "risk_level", "division_code",
                  "address", "has_major_hazard", "status"]
    colour_by = FourColour("risk_level")
    zoom = (6, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "credit_code", "address"]
