"""The hidden-danger layer (隐患): each danger at its point, coloured by grade and state —
red a major danger not yet accepted, orange a general one, yellow one not yet graded, blue
one accepted or closed (`models.Tone`)."""

from django.utils.translation import gettext_lazy as _

from enforcement.dangers.models import HiddenDanger
from layers.base import FourColour, Layer, register


@register
class HiddenDangers(Layer):
    model = HiddenDanger  # 隐患
    id = "hidden_dangers"
    page = "dangers:detail"
    parent = ("enterprises", "enterprise")
    title = _("隐患")
    description = _("企业的一般、重大事故隐患及其整改状态（登记、定级、整改、验收、销号、督办）")
    properties = ["name", "level", "state", "tone", "source", "manage_type", "category",
                  "deadline", "registered_at", "supervision", "supervision_deadline",
                  "enterprise", "warning", "division_code"]
    colour_by = FourColour("tone")
    zoom = (10, 22)
    scope = "division_code"
    owner = "organisation"
    time_field = "registered_at"
    search_fields = ["name"]
