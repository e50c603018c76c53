"""Demo plans, agencies and knowledge base (应急预案、中介机构、知识库).

Laws and accident cases are real and public: the texts here are short summaries
(`text_is_summary`), the figures are those of the published investigation reports, and
the cases sit at their real places (approximate coordinates, real GB/T 2260 codes) —
outside the fictional demo province. Only the two cases flagged `fictional` are placed
in the demo park. Everything is written idempotently in a handful of queries.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q

from data.accounts import agency_account_link
from geo.credit_code import make_credit_code
from geo.models import Organisation, OrganisationKind
from geo.places import owned_copy
from geo.workflow import document_number_next
from registry.agencies.models import Agency, AgencyProject
from registry.agencies.services import agency_create, agency_problem_add, agency_project_create
from registry.enterprises.models import Enterprise
from registry.knowledge.models import AccidentCase, Regulation
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanTemplate

D = datetime.date

# ---- plan templates (预案模板), outlines after GB/T 29639-2020 -------------------------
_COMPREHENSIVE = ["1 总则", "1.1 适用范围", "1.2 响应分级", "2 应急组织机构及职责",
                  "3 应急响应", "3.1 信息报告", "3.2 预警", "3.3 响应启动", "3.4 应急处置",
                  "3.5 应急支援", "3.6 响应终止", "4 后期处置", "5 应急保障",
                  "5.1 通信与信息保障", "5.2 应急队伍保障", "5.3 物资装备保障",
                  "5.4 其他保障"]
_SPECIAL = ["1 适用范围", "2 应急组织机构及职责", "3 响应启动", "4 处置措施", "5 应急保障"]
_ONSITE = ["1 事故风险描述", "2 应急工作职责", "3 应急处置", "4 注意事项"]
TEMPLATES = [
    ("生产经营单位综合应急预案（通用）", "comprehensive", "", _COMPREHENSIVE),
    ("危险化学品企业综合应急预案", "comprehensive", "C26", _COMPREHENSIVE),
    ("县级生产安全事故应急预案（政府）", "comprehensive", "",
     ["1 总则", "2 组织指挥体系", "3 风险评估与监测预警", "4 应急响应", "5 后期处置",
      "6 应急保障", "7 预案管理"]),
    ("危险化学品泄漏专项应急预案", "special", "C26", _SPECIAL),
    ("火灾爆炸专项应急预案", "special", "", _SPECIAL),
    ("粉尘爆炸专项应急预案", "special", "C33", _SPECIAL),
    ("储罐区火灾现场处置方案", "onsite", "C26", _ONSITE),
    ("有限空间作业中毒窒息现场处置方案", "onsite", "", _ONSITE),
]

# ---- laws and regulations (法律法规): title, issuer, number, level, issued, effective,
# status, summary --------------------------------------------------------------------
NPC = "全国人民代表大会常务委员会"
LAWS = [
    ("中华人民共和国安全生产法（2021年修正）", NPC, "中华人民共和国主席令第八十八号", "law",
     D(2021, 6, 10), D(2021, 9, 1), "in_force",
     "2002年通过，2009、2014、2021年三次修改。确立安全第一、预防为主、综合治理的方针，"
     "规定生产经营单位主要负责人安全生产第一责任人制度、全员安全生产责任制、安全风险分级管控"
     "和隐患排查治理双重预防机制，以及生产安全事故的应急救援与调查处理。"),
    ("中华人民共和国突发事件应对法（2024年修订）", NPC, "中华人民共和国主席令第二十五号",
     "law", D(2024, 6, 28), D(2024, 11, 1), "in_force",
     "规范突发事件的预防与应急准备、监测与预警、应急处置与救援、事后恢复与重建等活动，"
     "规定应急预案体系和分级负责、属地管理为主的管理体制。"),
    ("中华人民共和国消防法（2021年修正）", NPC, "中华人民共和国主席令第八十一号", "law",
     D(2021, 4, 29), D(2021, 4, 29), "in_force",
     "规定火灾预防、消防组织、灭火救援和监督检查，明确单位消防安全职责。"),
    ("中华人民共和国特种设备安全法", NPC, "中华人民共和国主席令第四号", "law",
     D(2013, 6, 29), D(2014, 1, 1), "in_force",
     "规范特种设备的生产、经营、使用、检验、检测和监督管理，预防特种设备事故。"),
    ("危险化学品安全管理条例（2013年修订）", "国务院", "国务院令第645号",
     "administrative_regulation", D(2013, 12, 7), D(2013, 12, 7), "in_force",
     "2011年3月2日国务院令第591号修订公布、2011年12月1日起施行，2013年修订。规定危险化学品"
     "生产、储存、使用、经营和运输的安全管理，危险化学品登记与事故应急救援。"),
    ("危险化学品安全管理条例（2002年）", "国务院", "国务院令第344号",
     "administrative_regulation", D(2002, 1, 26), D(2002, 3, 15), "repealed",
     "2011年国务院令第591号修订施行后不再适用，收录以便查阅历史规定。"),
    ("生产安全事故应急条例", "国务院", "国务院令第708号", "administrative_regulation",
     D(2019, 2, 17), D(2019, 4, 1), "in_force",
     "规范生产安全事故应急工作：应急准备（应急预案的制定、公布、演练与备案，应急救援队伍和"
     "物资）、应急救援及法律责任。"),
    ("生产安全事故报告和调查处理条例", "国务院", "国务院令第493号",
     "administrative_regulation", D(2007, 4, 9), D(2007, 6, 1), "in_force",
     "按死亡人数、重伤人数和直接经济损失将事故分为特别重大、重大、较大和一般四个等级，"
     "规定事故报告的时限和内容、事故调查组的组成与调查报告、事故处理。"),
    ("安全生产许可证条例（2014年修订）", "国务院", "国务院令第653号",
     "administrative_regulation", D(2014, 7, 29), D(2014, 7, 29), "in_force",
     "对矿山企业、建筑施工企业和危险化学品、烟花爆竹、民用爆炸物品生产企业实行安全生产许可制度。"),
    ("生产安全事故应急预案管理办法（2019年修正）", "应急管理部", "应急管理部令第2号",
     "departmental_rule", D(2019, 7, 11), D(2019, 9, 1), "in_force",
     "规定应急预案的编制、评审、公布、备案、实施和监督管理；生产经营单位应急预案分为"
     "综合应急预案、专项应急预案和现场处置方案，并按规定向应急管理部门备案。"),
    ("危险化学品重大危险源监督管理暂行规定", "国家安全生产监督管理总局",
     "国家安全监管总局令第40号", "departmental_rule", D(2011, 8, 5), D(2011, 12, 1),
     "in_force",
     "规定危险化学品重大危险源的辨识与评估、安全管理、监督检查，以及登记建档与备案。"),
    ("危险化学品重大危险源辨识（GB 18218-2018）", "国家市场监督管理总局、中国国家标准化管理委员会",
     "GB 18218-2018", "standard", D(2018, 11, 19), D(2019, 3, 1), "in_force",
     "规定辨识危险化学品重大危险源的依据和方法：按临界量计算S值，单元内危险化学品"
     "实际存在量与临界量比值之和大于等于1即构成重大危险源。"),
    ("生产经营单位生产安全事故应急预案编制导则（GB/T 29639-2020）",
     "国家市场监督管理总局、国家标准化管理委员会", "GB/T 29639-2020", "standard",
     D(2020, 9, 29), D(2021, 4, 1), "in_force",
     "规定生产经营单位应急预案的编制程序、体系构成以及综合应急预案、专项应急预案、"
     "现场处置方案的主要内容。"),
]

# ---- accident cases (事故案例): title, date, place, code, type, deaths, injuries,
# loss (万元), lon, lat, summary, cause, lessons --------------------------------------
SOURCE = "（据国务院或地方政府公布的事故调查报告整理，数字以官方报告为准；坐标为近似位置。）"
CASES = [
    ("天津港“8·12”瑞海公司危险品仓库特别重大火灾爆炸事故", D(2015, 8, 12),
     "天津市滨海新区天津港瑞海国际物流有限公司危险品仓库", "120116000000", "other_explosion",
     165, 798, "686600", 117.737, 39.038,
     "危险品仓库运抵区发生火灾，继而发生两次剧烈爆炸，另有8人失踪。",
     "运抵区集装箱内硝化棉湿润剂散失、局部干燥，在高温天气下加速分解放热、积热自燃，"
     "引燃相邻集装箱内的硝化棉和其他危险化学品，导致堆放的硝酸铵等发生爆炸。",
     "危险化学品仓储企业选址、审批和监管严重失职；港区危险货物的规划、安全距离和应急处置必须严格落实。"),
    ("江苏响水天嘉宜化工有限公司“3·21”特别重大爆炸事故", D(2019, 3, 21),
     "江苏省盐城市响水县生态化工园区", "320921000000", "other_explosion",
     78, 76, "198635.07", 119.979, 34.331,
     "企业旧固废库发生爆炸，事故另造成640人住院治疗（其中重伤76人）。",
     "旧固废库内长期违法贮存的硝化废料持续积热升温导致自燃，燃烧引发爆炸。",
     "危险废物必须依法贮存处置；化工园区须加强安全准入和日常监管，严防企业长期违法贮存。"),
    ("江苏昆山中荣金属制品有限公司“8·2”特别重大爆炸事故", D(2014, 8, 2),
     "江苏省昆山市经济技术开发区中荣金属制品有限公司抛光车间", "320583000000",
     "other_explosion", 97, 163, "35100", 121.003, 31.331,
     "汽车轮毂抛光车间发生铝粉尘爆炸。",
     "除尘系统长时间未按规定清理，铝粉尘集聚；集尘桶锈蚀破损、铝粉受潮氧化放热，"
     "引燃粉尘云，引发除尘系统及车间的系列爆炸。",
     "粉尘涉爆企业必须规范除尘系统设计、清扫和防爆措施，严禁在粉尘爆炸危险场所使用非防爆设备。"),
    ("山东青岛“11·22”中石化东黄输油管道泄漏爆炸特别重大事故", D(2013, 11, 22),
     "山东省青岛经济技术开发区秦皇岛路与斋堂岛街交汇处", "370211000000", "other_explosion",
     62, 136, "75172", 120.205, 35.969,
     "输油管道原油泄漏进入市政排水暗渠，抢修中暗渠内油气爆炸。",
     "管道与排水暗渠交汇处腐蚀减薄、破裂，原油流入暗渠；现场处置人员使用液压破碎锤"
     "在暗渠盖板上打孔，产生撞击火花，引发暗渠内油气爆炸。",
     "油气管道与市政设施交叉处须排查整治；泄漏处置须先警戒、疏散、检测可燃气体，严禁产生火花的作业。"),
    ("河北张家口中国化工集团盛华化工公司“11·28”重大爆燃事故", D(2018, 11, 28),
     "河北省张家口市桥东区盛华化工公司附近", "130702000000", "other_explosion",
     24, 21, "4148.8", 114.932, 40.779,
     "氯乙烯泄漏扩散至厂外公路，遇火源发生爆燃，烧毁车辆。",
     "聚氯乙烯车间氯乙烯气柜长期未检修，卡顿、倾斜，造成氯乙烯泄漏。",
     "重点设备必须按期检维修；可燃有毒气体泄漏须及时报警、处置并对周边道路实施管控。"),
    ("四川宜宾恒达科技有限公司“7·12”重大爆炸着火事故", D(2018, 7, 12),
     "四川省宜宾市江安县阳春工业园区", "511523000000", "other_explosion",
     19, 12, "4142", 105.068, 28.728,
     "生产车间反应釜发生爆炸并引发着火。",
     "误将氯酸钠当作原料丁酰胺投入反应釜，在脱水升温过程中发生化学爆炸。",
     "严格原料入厂检验和物料管理；承接转移项目必须严格安全审查。"),
    ("浙江温岭“6·13”液化石油气运输槽罐车重大爆炸事故", D(2020, 6, 13),
     "浙江省台州市温岭市沈海高速温岭西出口下匝道", "331081000000", "other_explosion",
     20, 175, "9477.815", 121.309, 28.398,
     "液化石油气槽罐车在高速匝道侧翻，罐体破裂泄漏后爆炸。",
     "驾驶员超速行驶、未及时观察路况，车辆在匝道弯道侧翻，罐体撞击护栏形成破口，"
     "液化石油气泄漏后遇火源爆炸。",
     "危险货物道路运输须严管车辆动态监控和驾驶员行为；泄漏后须立即警戒疏散。"),
    ("湖北十堰张湾区艳湖社区集贸市场“6·13”重大燃气爆炸事故", D(2021, 6, 13),
     "湖北省十堰市张湾区艳湖社区集贸市场", "420303000000", "other_explosion",
     26, 138, "5395.41", 110.776, 32.651,
     "集贸市场建筑物下方河道内聚集的天然气发生爆炸。",
     "天然气中压钢管严重锈蚀破裂，泄漏的天然气在建筑物下方河道内密闭空间聚集，"
     "遇餐饮商户排油烟管道排出的火星发生爆炸。",
     "城镇燃气管道老化更新和巡检必须落实；燃气泄漏报警后须果断停气、疏散。"),
]
# Fictional cases for the demo park (flagged `fictional`): (title, date, type, d, i, loss)
FICTIONAL = [
    ("沿江化工园区某企业储罐区闪爆事故（虚构示例）", D(2024, 5, 18), "other_explosion", 1, 3,
     "320", "检修作业前未进行可燃气体检测，动火作业引发储罐区闪爆。",
     "动火作业必须办理作业票、进行气体分析并落实监护。"),
    ("沿江化工园区某企业有限空间中毒事故（虚构示例）", D(2025, 8, 2), "poisoning", 2, 1,
     "180", "作业人员未经检测进入污水池清淤，硫化氢中毒，盲目施救致伤亡扩大。",
     "有限空间作业必须先通风、再检测、后作业，严禁盲目施救。"),
]

AGENCIES = [  # name, kind, qualification number
    ("江淮安科安全评价有限公司", "safety_evaluation", "APJ-（江淮）-001"),
    ("江淮标准化评审中心有限公司", "standardisation_review", "JH-BZH-2023-007"),
]

WORK = {"safety_evaluation": ("status_evaluation", "安全现状评价"),
        "standardisation_review": ("standardisation_review", "标准化评审")}

_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
        b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _create_missing(model, rows: list) -> int:
    """bulk_create the `rows` whose title is not in the table yet; how many were new."""
    known = set(model.objects.filter(title__in=[r.title for r in rows])
                .values_list("title", flat=True))
    return len(model.objects.bulk_create([r for r in rows if r.title not in known]))


def _ensure_templates() -> int:
    return _create_missing(PlanTemplate, [
        PlanTemplate(title=t, kind=k, industry=i, outline=o,
                     description="依据 GB/T 29639-2020 的章节结构")
        for t, k, i, o in TEMPLATES])


def _ensure_laws() -> int:
    return _create_missing(Regulation, [
        Regulation(title=t, issuer=by, document_number=no, level=lv, issued=iss,
                   effective=eff, status=st, text=text, text_is_summary=True)
        for t, by, no, lv, iss, eff, st, text in LAWS])


def _ensure_cases(park: list[Enterprise]) -> int:
    rows = [AccidentCase(title=t, occurred=day, place=place, division_code=code,
                         accident_type=kind, deaths=d, injuries=i, direct_loss=Decimal(loss),
                         geom=Point(x, y, srid=4326), summary=summary + SOURCE, cause=cause,
                         lessons=lessons)
            for (t, day, place, code, kind, d, i, loss, x, y, summary, cause, lessons) in CASES]
    # the fictional ones sit at the park's last enterprises, as many as there are
    rows += [AccidentCase(
        title=t, occurred=day, place=site.address or site.name, fictional=True,
        division_code=site.division_code, accident_type=kind, deaths=d, injuries=i,
        direct_loss=Decimal(loss), geom=site.geom, summary="演示用虚构案例。",
        cause=cause, lessons=lessons)
        for (t, day, kind, d, i, loss, cause, lessons), site in zip(FICTIONAL, park[::-1],
                                                                   strict=False)]
    return _create_missing(AccidentCase, rows)


def _ensure_agencies(park: list[Enterprise], county_code: str) -> int:
    if Agency.objects.filter(name__in=[a[0] for a in AGENCIES]).exists() or len(park) < 4:
        return 0
    centre = park[0].geom
    for n, (name, kind, number) in enumerate(AGENCIES):
        agency = agency_create(
            name=name, kind=kind,
            credit_code=make_credit_code(f"91{county_code[:6]}MA0000{n:03d}"),
            qualification_number=number, division_code=county_code,
            geom=Point(centre.x - 0.02 - 0.01 * n, centre.y + 0.01, srid=4326),
            valid_from=D(2023, 1, 1), valid_to=D(2028, 12, 31), address=f"{name}办公楼",
            contact="王工", phone="0551-0000000")
        for k, client in enumerate(park[2 * n:2 * n + 2]):
            project = agency_project_create(
                agency=agency, enterprise=client, name=f"{client.name}{WORK[kind][1]}",
                project_type=WORK[kind][0],
                started=D(2025, 3 + k, 1), finished=D(2025, 5 + k, 20),
                conclusion="基本符合安全生产条件，存在问题已提出整改要求")
            agency_problem_add(project=project, description="储罐区可燃气体报警器未定期检定",
                               severity="general", rectified=k == 0)
            agency_problem_add(project=project, description="重大危险源未设置独立的安全仪表系统",
                               severity="major", rectified=False)
    return len(AGENCIES)


def _plan_number(county_code: str, year: int) -> str:
    return document_number_next(area=county_code[:6], year=year, kind="plan_filing")


def _ensure_plans(park: list[Enterprise], county_code: str) -> int:
    """Enterprise plans in each state, and the county government's filed plan. Written
    directly (demo rows, filed in past years); real plans go through registry.plans.services.
    Their filing numbers come from the one document counter all the same."""
    if EmergencyPlan.objects.filter(title__startswith="【演示】").exists():
        return 0
    template = PlanTemplate.objects.filter(title="危险化学品企业综合应急预案").first()
    states = ["draft", "submitted", "filed", "returned"]
    plans = []
    for ent, state in zip(park, states, strict=False):
        plans.append(EmergencyPlan(
            title=f"【演示】{ent.name}生产安全事故综合应急预案", kind="comprehensive",
            enterprise=ent, template=template,
            outline=template.outline if template else [], issued=D(2025, 1, 10),
            review_due=D(2028, 1, 10), state=state,
            filing_number=_plan_number(county_code, 2025) if state == "filed" else "",
            return_reason="应急响应分级不明确，请补充" if state == "returned" else ""))
        owned_copy(plans[-1])
    county = Organisation.objects.filter(division_id=county_code,
                                         kind=OrganisationKind.GOVERNMENT).first()
    if county is not None:
        plans.append(EmergencyPlan(
            title="【演示】县生产安全事故应急预案", kind="comprehensive", organisation=county,
            division_code=county_code, issued=D(2024, 6, 1), review_due=D(2027, 6, 1),
            state="filed", filing_number=_plan_number(county_code, 2024)))
    plans = EmergencyPlan.objects.bulk_create(plans)
    files = [PlanAttachment(plan=p, name="预案文本.pdf", media_type="application/pdf",
                            size=len(_PDF), file=default_storage.save(
                                f"plans/{p.pk}/demo.pdf", ContentFile(_PDF)))
             for p in plans if p.state != "draft"]
    PlanAttachment.objects.bulk_create(files)
    return len(plans)


@transaction.atomic
def demo_knowledge_ensure(park_code: str) -> dict[str, int]:
    """Create what is missing; return how many of each were created."""
    # The demo enterprise account's own enterprise first, so its plan is the draft.
    park = sorted(Enterprise.objects.filter(division_code__startswith=park_code[:9],
                                            organisation__isnull=False)
                  .annotate(is_demo=Count("organisation__user")).order_by("credit_code"),
                  key=lambda e: -e.is_demo)
    county_code = park_code[:6] + "000000"
    created = {"templates": _ensure_templates(), "laws": _ensure_laws(),
               "cases": _ensure_cases(park), "agencies": _ensure_agencies(park, county_code),
               "plans": _ensure_plans(park, county_code)}
    agency_account_link()
    return created


def demo_knowledge_delete(prefix: str) -> None:
    """Before the demo region is replaced: remove the rows that reference its enterprises,
    organisations and places (region_delete works in raw SQL, which cascades nothing).
    Laws, real cases and templates are not the region's and stay."""
    in_region = {"division_code__startswith": prefix}
    plans = EmergencyPlan.objects.filter(**in_region)
    for name in PlanAttachment.objects.filter(plan__in=plans).values_list("file", flat=True):
        default_storage.delete(name)
    PlanAttachment.objects.filter(plan__in=plans).delete()
    plans.delete()
    agencies = Agency.objects.filter(**in_region)
    AgencyProject.objects.filter(Q(**in_region) | Q(agency__in=agencies)).delete()
    agencies.delete()
    AccidentCase.objects.filter(fictional=True, **in_region).delete()
