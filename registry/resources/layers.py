"""Emergency resources (应急资源): one layer per kind."""

from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, Layer, register
from registry.resources.models import (
    EmergencyOrganisation,
    Expert,
    FireStation,
    MedicalFacility,
    RescueTeam,
    Shelter,
    Warehouse,
)


class _Resource(Layer):
    """What the seven resource layers share; each declares only what differs."""

    properties = ["name", "division_code", "address", "contact", "phone"]
    zoom = (6, 22)
    search_fields = ["name", "address"]


@register
class EmergencyOrganisations(_Resource):
    model = EmergencyOrganisation
    id = "emergency_organisations"
    title = _("应急救援机构")
    description = _("应急救援指挥与管理机构")
    colour_by = Fixed("#D32F2F")


@register
class RescueTeams(_Resource):
    model = RescueTeam
    id = "rescue_teams"
    title = _("救援队伍")
    description = _("专业及社会应急救援队伍，含人数、专业与装备")
    properties = [*_Resource.properties, "members", "speciality", "equipment"]
    colour_by = Fixed("#F57C00")
    search_fields = ["name", "speciality", "address"]


@register
class Experts(_Resource):
    model = Expert
    id = "experts"
    title = _("应急专家")
    description = _("应急管理专家库（含个人联系方式，不公开）")
    properties = [*_Resource.properties, "field"]
    colour_by = Fixed("#7B1FA2")
    zoom = (8, 22)
    search_fields = ["name", "field"]


@register
class Warehouses(_Resource):
    model = Warehouse
    id = "warehouses"
    title = _("物资储备库")
    description = _("应急物资储备库，物资清单见详情")
    colour_by = Fixed("#5D4037")


@register
class MedicalFacilities(_Resource):
    model = MedicalFacility
    id = "medical_facilities"
    title = _("医疗机构")
    description = _("可承担应急救治的医疗机构")
    colour_by = Fixed("#00897B")


@register
class Shelters(_Resource):
    model = Shelter
    id = "shelters"
    title = _("避难场所")
    description = _("应急避难场所，含类型、面积、容纳人数与认定状态（公开）")
    properties = [*_Resource.properties, "kind", "area_m2", "capacity", "facilities", "status"]
    colour_by = Fixed("#388E3C")
    public = True


@register
class FireStations(_Resource):
    model = FireStation
    id = "fire_stations"
    title = _("消防站")
    description = _("消防救援站（公开）")
    colour_by = Fixed("#C62828")
    public = True
