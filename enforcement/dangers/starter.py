"""The starter checklists (排查清单), one per A/B/C category, kept in the admin afterwards;
loaded by `manage.py load_checklists` (and the demo), idempotent by checklist name.

A: the 20 items of 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》
(安监总管三〔2017〕121号, reference §6.2), each a major danger when found. B and C: general
items common to provincial 工贸 and general-industry checklists, each with the rule it
rests on; confirm them with the province's current checklist before release."""

from __future__ import annotations

from django.db import transaction

from enforcement.dangers.check_models import Checklist, ChecklistItem

A_SOURCE = ("安监总管三〔2017〕121号《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准"
            "（试行）》")
A_ITEMS = [
    "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格",
    "特种作业人员未持证上岗",
    "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求",
    "涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、"
    "紧急停车系统未投入使用",
    "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的"
    "一级、二级重大危险源的危险化学品罐区未配备独立的安全仪表系统",
    "全压力式液化烃储罐未按国家标准设置注水措施",
    "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统",
    "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域",
    "地区架空电力线路穿越生产区且不符合国家标准要求",
    "在役化工装置未经正规设计且未进行安全设计诊断",
    "使用淘汰落后安全技术工艺、设备目录列出的工艺、设备",
    "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用"
    "防爆电气设备",
    "控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求",
    "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源",
    "安全阀、爆破片等安全附件未正常投用",
    "未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度",
    "未制定操作规程和工艺控制指标",
    "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行",
    "新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；国内首次使用的化工工艺"
    "未经过省级人民政府有关部门组织的安全可靠性论证；新建装置未制定试生产方案投料开车；精细化工企业"
    "未按规范性文件要求开展反应安全风险评估",
    "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存",
]
LAW = "《中华人民共和国安全生产法》（2021）"
GENERAL = [  # (topic, [(content, basis)]) shared by the B and C starter lists
    ("安全管理", [
        ("建立并落实全员安全生产责任制", LAW + "第四条、第二十二条"),
        ("主要负责人、安全生产管理人员具备安全生产知识和管理能力", LAW + "第二十七条"),
        ("从业人员经安全生产教育和培训合格后上岗", LAW + "第二十八条"),
        ("特种作业人员持证上岗", LAW + "第三十条"),
        ("制定生产安全事故应急救援预案并定期演练", LAW + "第八十一条"),
        ("建立隐患排查治理制度，如实记录并向从业人员通报", LAW + "第四十一条"),
    ]),
    ("现场管理", [
        ("安全设备的安装、使用、检测、维修、改造和报废符合标准，定期维护保养", LAW + "第三十六条"),
        ("生产经营场所和员工宿舍设有符合紧急疏散要求、标志明显、保持畅通的出口和疏散通道",
         LAW + "第四十二条"),
        ("有较大危险因素的场所和设施设备设置明显的安全警示标志", LAW + "第三十五条"),
        ("为从业人员提供符合标准的劳动防护用品并监督正确佩戴使用", LAW + "第四十五条"),
        ("动火、临时用电等危险作业安排专门人员进行现场安全管理", LAW + "第四十三条"),
    ]),
]
B_EXTRA = ("工贸专项", [
    ("粉尘涉爆场所按规定设置除尘系统并定期清扫，防止粉尘积累",
     "《工贸企业粉尘防爆安全规定》（应急管理部令第6号）"),
    ("有限空间作业实行作业审批，先通风、再检测、后作业",
     "《工贸企业有限空间作业安全规定》（应急管理部令第13号）"),
])
STARTER = [
    ("A", "危险化学品企业重大生产安全事故隐患判定清单", ["C25", "C26", "C27", "C28"],
     A_SOURCE, [("重大隐患判定", [(text, A_SOURCE) for text in A_ITEMS])], True),
    ("B", "工贸企业隐患排查清单（通用）", ["C", "F"], LAW, [*GENERAL, B_EXTRA], False),
    ("C", "其他行业企业隐患排查清单（通用）", [], LAW, GENERAL, False),
]


@transaction.atomic
def checklists_starter_ensure() -> int:
    """Create the starter checklists that do not exist yet; returns how many were made."""
    made = 0
    for category, name, industries, source, topics, major in STARTER:
        checklist, created = Checklist.objects.get_or_create(
            name=name, defaults={"category": category, "industries": industries,
                                 "source": source})
        if not created:
            continue
        made += 1
        order = 0
        for t, (topic, items) in enumerate(topics, 1):
            order += 1
            parent = ChecklistItem.objects.create(checklist=checklist, level=1,
                                                  code=f"{category}{t}", content=topic,
                                                  order=order)
            for i, (content, basis) in enumerate(items, 1):
                order += 1
                ChecklistItem.objects.create(checklist=checklist, parent=parent, level=2,
                                             code=f"{category}{t}.{i}", content=content,
                                             basis=basis, major=major, order=order)
    return made
