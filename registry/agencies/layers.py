"""The intermediary agency layer (中介机构)."""

from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, Layer, register
from registry.agencies.models import Agency


@register
class Agencies(Layer):
    model = Agency  # 中介机构
    id = "agencies"
    title = _("中介机构")
    description = _("安全评价机构与标准化评审机构，含资质证书编号与有效期")
    properties = ["name", "kind", "credit_code", "qualification_number", "valid_to",
                  "division_code", "address", "contact", "phone"]
    colour_by = Fixed("#455A64")
    zoom = (6, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "credit_code", "address"]
