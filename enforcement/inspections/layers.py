"""The inspections layer (现场检查): one point per inspection at its enterprise."""

from django.utils.translation import gettext_lazy as _

from enforcement.inspections.models import Inspection
from layers.base import Fixed, Layer, register


@register
class Inspections(Layer):
    model = Inspection  # 现场检查
    id = "inspections"
    title = _("现场检查")
    description = _("执法现场检查：检查方案、检查记录、责令整改与复查，位于被检查企业")
    properties = ["name", "state", "scheduled_on", "failed_count", "enterprise", "plan",
                  "division_code"]
    colour_by = Fixed("#6A1B9A")
    zoom = (8, 22)
    scope = "division_code"
    owner = "organisation"  # the inspected enterprise reads its own inspections
    time_field = "scheduled_on"
    parent = ("enterprises", "enterprise")
    page = "inspections:inspection"
    search_fields = ["name"]
