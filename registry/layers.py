from django.utils.translation import gettext_lazy as _

from layers.base import Fixed, FourColour, Layer, register
from registry.models import AccidentCase, Agency, Enterprise, HazardSource
from registry.resource_models import (
    EmergencyOrganisation,
    Expert,
    FireStation,
    MedicalFacility,
    RescueTeam,
    Shelter,
    Warehouse,
)


@register
class Enterprises(Layer):
    model = Enterprise
    id = "enterprises"
    title = _("企业")
    description = _("辖区内安全生产监管企业，按风险等级四色显示")
    properties = ["name", "credit_code", "industry", "risk_level", "division_code",
                  "address", "has_major_hazard", "status"]
    colour_by = FourColour("risk_level")
    zoom = (6, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "credit_code", "address"]


@register
class HazardSources(Layer):
    model = HazardSource  # 重大危险源
    id = "hazard_sources"
    title = _("重大危险源")
    description = _("危险化学品重大危险源（生产单元、储存单元），按GB 18218分级四色显示")
    properties = ["name", "kind", "level", "is_major", "filing_state", "division_code",
                  "enterprise", "exposed_people"]
    colour_by = FourColour("level")
    zoom = (10, 22)
    scope = "division_code"
    owner = "organisation"
    search_fields = ["name", "filing_number"]
    import_hook = "registry.hazards.imports.HazardSourceImport"  # a `chemicals` column


# ---- emergency resources (应急资源) ------------------------------------------------
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


# ---- intermediary agencies and knowledge base (中介机构、知识库) ---------------------
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
