"""Key points for leaders on site (领导赴现场处置要点), by incident type and level, as data.

Points common to every incident, then those of the incident's category and sub-type, then
those of its level band: 特别重大 / 重大 (the province leads, Ⅰ/Ⅱ级响应) or 较大 / 一般
(the city or county leads). Drawn from the usual structure of the national special plans
(《国家安全生产事故灾难应急预案》 and the departments' handbooks): command, rescue,
cordon, monitoring, information; a bureau replaces them with its own plan's points.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMMON = [
    _("立即了解事件发生时间、地点、原因、伤亡及被困人员情况，核实事件等级"),
    _("成立现场指挥部，明确总指挥和各工作组职责，统一指挥、分级负责"),
    _("把救人放在第一位，科学施救，防止救援人员伤亡和次生衍生事故"),
    _("按规定时限逐级续报事件信息，统一对外发布口径"),
]
BY_CATEGORY = {
    "1": [_("会同气象、水利、自然资源等部门研判灾情发展，及时转移安置受威胁群众")],
    "2": [_("责令事发单位停止相关作业，保护事故现场，做好证据保全")],
    "3": [_("会同卫生健康部门开展流行病学调查和医疗救治，落实防控措施")],
    "4": [_("会同公安等部门维护现场秩序，防止事态扩大")],
}
BY_KIND = {
    "21": [_("查明泄漏物质种类、数量和理化性质，确定警戒区和疏散范围"),
           _("组织环境监测，防止泄漏物和消防废水进入水体"),
           _("调派危险化学品专业救援队伍和专家，严禁盲目处置")],
    "22": [_("核实井下人数、位置和通风、瓦斯情况，制定救援方案"),
           _("调派矿山救护队，落实防止灾害扩大的措施")],
    "25": [_("查明火场内被困人员和危险物品情况，划定警戒区"),
           _("保障消防水源和救援通道畅通")],
    "13": [_("组织排查建筑物、危险化学品企业和尾矿库等隐患，防范次生灾害")],
    "11": [_("加强堤防、水库和危险区域巡查，及时转移危险区域人员")],
}
BY_LEVEL = {
    "high": [_("报请启动省级应急响应（Ⅰ/Ⅱ级），协调调动省内外救援力量和物资"),
             _("及时向省委、省政府和应急管理部报告，做好上级工作组对接")],
    "low": [_("由市、县级政府组织处置，视情请求上级支援"),
            _("关注事态发展，达到更高等级时立即升级响应并报告")],
}


def key_points(*, kind: str, level: int) -> list[str]:
    """The points for an incident of `kind` and `level`, in reading order."""
    return [str(p) for p in (COMMON + BY_CATEGORY.get(kind[:1], []) + BY_KIND.get(kind, [])
                             + BY_LEVEL["high" if level <= 2 else "low"])]
