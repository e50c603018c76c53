"""The case layer (行政处罚案件): a point at each case's party, in the reader's scope."""

from django.utils.translation import gettext_lazy as _

from enforcement.cases.models import Case
from layers.base import Fixed, Layer, register


@register
class Cases(Layer):
    model = Case
    id = "cases"
    page = "cases:detail"
    title = _("行政处罚案件")
    description = _("行政处罚案件，位于当事人所在位置，按办理状态查询")
    properties = ["party_name", "cause", "state", "fine", "industry", "division_code",
                  "organisation"]
    label = "party_name"
    colour_by = Fixed("#8E24AA")
    zoom = (8, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["party_name", "cause"]
