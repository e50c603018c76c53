"""The base map's layers: public, drawn first (beneath every business layer) and shown
when a map opens."""

from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, Layer, register
from registry.basemap.models import BuiltUpArea, Road, Water


class _Base(Layer):
    public = True
    base = True
    shown = True
    search_fields = ["name"]


@register
class BuiltUpAreas(_Base):
    model = BuiltUpArea
    id = "built_up"
    title = _("建成区")
    description = _("城镇建成区范围（底图）")
    properties = ["name", "division_code"]
    colour_by = Fixed("#E4DDD3")
    fill_opacity = 0.9
    zoom = (7, 22)
    label = None  # the divisions name the places


@register
class WaterBodies(_Base):
    model = Water
    id = "water"
    title = _("水系")
    description = _("河流、湖泊（底图）")
    properties = ["name", "kind", "division_code"]
    colour_by = Fixed("#9CC6E4")
    fill_opacity = 1.0


@register
class Roads(_Base):
    model = Road
    id = "roads"
    title = _("道路")
    description = _("高速公路、省道、县道（底图）")
    properties = ["name", "kind", "division_code"]
    colour_by = Fixed("#D9A441")
    width_by = ("kind", {"expressway": 3.0, "provincial": 2.0, "county": 1.0})
    zoom = (6, 22)
