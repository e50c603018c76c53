"""The incidents layer: every emergency received, a point coloured by its level (特别重大
red … 一般 blue), in the divisions' scope like every layer."""

from django.utils.translation import gettext_lazy as _

from layers.base import FourColour, Layer, register
from response.incidents.models import Incident


@register
class Incidents(Layer):
    model = Incident  # 突发事件
    id = "incidents"
    page = "incidents:incident"
    title = _("突发事件")
    description = _("接报的突发事件：类型、等级、伤亡情况与逐级上报状态")
    properties = ["title", "kind", "level", "stage", "occurred_at", "received_at", "address",
                  "deaths", "injuries", "missing", "trapped", "due_at", "closed_at",
                  "division_code"]
    colour_by = FourColour("level")
    zoom = (6, 22)
    scope = "division_code"
    label = "title"
    search_fields = ["title", "address"]
    time_field = "occurred_at"
