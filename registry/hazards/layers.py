"""The major hazard source layer (重大危险源)."""

from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from registry.hazards.models import HazardSource


@register
class HazardSources(Layer):
    model = HazardSource  # 重大危险源
    id = "hazard_sources"
    shown = True
    page = "hazards:detail"
    parent = ("enterprises", "enterprise")
    title = _("重大危险源")
    description = _("危险化学品重大危险源（生产单元、储存单元），按GB 18218分级四色显示")
    # level is null for a 未评估 source: unevaluated_reason says why (never a guessed level)
    properties = ["name", "kind", "level", "is_major", "filing_state", "division_code",
                  "enterprise", "exposed_people", "unevaluated_reason"]
    colour_by = FourColour("level")
    zoom = (10, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "filing_number"]
    import_hook = "registry.hazards.imports.HazardSourceImport"  # a `chemicals` column
