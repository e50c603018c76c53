"""The accident case layer of the knowledge base (事故案例)."""

from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, Layer, register
from registry.knowledge.models import AccidentCase


@register
class AccidentCases(Layer):
    """Public: the knowledge base holds cases compiled from published investigation
    reports (调查报告依法向社会公布), kept for learning across jurisdictions; accidents
    under investigation belong to enforcement, not here."""

    model = AccidentCase  # 事故案例
    id = "accident_cases"
    title = _("事故案例")
    description = _("已公布调查报告的典型生产安全事故案例（公开）")
    properties = ["title", "occurred", "place", "division_code", "accident_type", "deaths",
                  "injuries", "direct_loss", "fictional"]
    colour_by = Fixed("#6D4C41")
    zoom = (4, 22)
    scope = "division_code"
    public = True
    label = "title"
    search_fields = ["title", "place"]
    time_field = "occurred"
