"""The enforcement document set (执法文书, domain-standards §5.1): every document declared
once — its kind key, Chinese name, 文书代字, the fields it carries, who signs it and its
templates. The "/"-joined entries of §5.1 are separate documents here (49 in all).

Codes: the ten of §5.2 are the ones observed in practice (`code_verified`); the others are
our proposals (⚠ §5.2: "codes for the other documents are not verified") and, like every
code and the agency abbreviation, are overridden per province by `geo.NumberFormat` rows
(admin). 笔录 / 讨论记录 and the case-file pages carry no number of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from geo.workflow import number_format_register

# （机关简称）应急 + 文书代字 + 〔年份〕 + optional business-line code + 序号 + 号 (§5.2)
NUMBER_TEMPLATE = "（{abbr}）应急{code}〔{year}〕{line}{serial}号"
TEMPLATES_DOCX = Path(__file__).resolve().parent / "templates_docx"
INSPECTOR, PARTY = "inspector", "party"  # 执法人员 / 当事人（被检查单位）
# §5.2: the codes observed in an implementation (AQZF) of the 2016 set
OBSERVED_CODES = {"inspection_record": "检记", "onsite_measures_decision": "现决",
                  "rectification_order": "责改", "reinspection_opinion": "复查",
                  "case_filing_approval": "立", "inquiry_notice": "询", "service_receipt": "回",
                  "penalty_notice": "罚告", "hearing_notice": "听告",
                  "investigation_report": "终报"}
SIGNER_LABELS = {INSPECTOR: _("执法人员签名"), PARTY: _("当事人签名")}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    long: bool = False  # a paragraph (检查情况, 违法事实) rather than one line


@dataclass(frozen=True)
class DocumentKind:
    key: str
    name: str
    code: str = ""             # 文书代字; "" with numbered=False
    fields: tuple[Field, ...] = ()
    numbered: bool = True
    signers: tuple[str, ...] = (INSPECTOR,)

    @property
    def code_verified(self) -> bool:
        """The code is one observed in practice (§5.2's table), not our proposal."""
        return OBSERVED_CODES.get(self.key) == self.code

    @property
    def docx_template(self) -> Path:
        return TEMPLATES_DOCX / f"{self.key}.docx"

    html_template = "enforcement/documents/document.html"


def _f(key: str, label, long: bool = False) -> Field:
    return Field(key, label, long)


# ---- the fields documents share ----------------------------------------------------------
PARTY_FIELDS = (_f("party", _("当事人（单位）")), _f("party_address", _("地址")),
                _f("legal_representative", _("法定代表人（负责人）")),
                _f("party_phone", _("联系电话")))
PERSON_FIELDS = (_f("party", _("当事人（姓名）")), _f("party_gender", _("性别")),
                 _f("party_id_number", _("身份证号")), _f("party_employer", _("工作单位")),
                 _f("party_address", _("住址")), _f("party_phone", _("联系电话")))
PLACE_TIME = (_f("place", _("地点")), _f("time", _("时间")))
INSPECTORS = (_f("inspectors", _("执法人员及证件号")),)
FACTS = _f("facts", _("违法事实"), True)
BASIS = _f("basis", _("法律依据"), True)
DECISION = _f("decision", _("决定内容"), True)
REMEDIES = _f("remedies", _("救济途径"), True)  # 申请行政复议或者提起行政诉讼
CASE = (_f("case_name", _("案由")), _f("case_number", _("案号")))
OPINIONS = (_f("handler_opinion", _("承办人意见"), True),
            _f("reviewer_opinion", _("审核意见"), True),
            _f("approver_opinion", _("审批意见"), True))
ON_SITE = (INSPECTOR, PARTY)


def _approval(key, name, code, *extra) -> DocumentKind:
    """A 审批表: case, party, the matter and the three opinions."""
    return DocumentKind(key, name, code, (*CASE, *PARTY_FIELDS, *extra, *OPINIONS))


def _decision(key, name, code, *extra, signers=(INSPECTOR,)) -> DocumentKind:
    """A 决定书 / 通知书 served on the party: facts, basis, decision, remedies."""
    return DocumentKind(key, name, code, (*PARTY_FIELDS, FACTS, BASIS, *extra, DECISION,
                                          REMEDIES), signers=signers)


def _minutes(key, name, *extra) -> DocumentKind:
    """A 笔录 / 记录: place, time, people present and what was said; no number."""
    return DocumentKind(key, name, "", (*CASE, *PLACE_TIME, *INSPECTORS, *extra,
                                        _f("content", _("记录内容"), True)),
                        numbered=False, signers=ON_SITE)


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("inspection_plan", _("现场检查方案"), "检方", (
        *PARTY_FIELDS, _f("time", _("检查时间")), *INSPECTORS,
        _f("basis", _("检查依据"), True), _f("content", _("检查内容"), True),
        _f("approver_opinion", _("审批意见"), True))),
    DocumentKind("inspection_record", _("现场检查记录"), "检记", (
        *PARTY_FIELDS, *PLACE_TIME, *INSPECTORS,
        _f("content", _("检查情况"), True)), signers=ON_SITE),
    _decision("onsite_measures_decision", _("现场处理措施决定书"), "现决", signers=ON_SITE),
    DocumentKind("rectification_order", _("责令限期整改指令书"), "责改", (
        *PARTY_FIELDS, _f("problems", _("存在问题"), True), BASIS,
        _f("deadline", _("整改期限")), REMEDIES), signers=ON_SITE),
    DocumentKind("reinspection_opinion", _("整改复查意见书"), "复查", (
        *PARTY_FIELDS, _f("order_number", _("原指令书文号")),
        _f("content", _("复查意见"), True)), signers=ON_SITE),
    _decision("compulsory_measures_decision", _("强制措施决定书"), "强措",
              _f("measures", _("强制措施及期限"), True), signers=ON_SITE),
    DocumentKind("appraisal_commission", _("鉴定委托书"), "鉴委", (
        _f("appraiser", _("鉴定机构")), *CASE, _f("items", _("鉴定事项"), True),
        _f("deadline", _("鉴定期限")))),
    _approval("case_filing_approval", _("立案审批表"), "立",
              _f("case_source", _("案件来源")), _f("facts", _("案情摘要"), True)),
    DocumentKind("inquiry_notice", _("询问通知书"), "询", (
        *PARTY_FIELDS, *CASE, _f("time", _("询问时间")), _f("place", _("询问地点")),
        _f("materials", _("需携带材料"), True))),
    _minutes("inquiry_minutes", _("询问笔录"), *PERSON_FIELDS[:1],
             _f("inquiree", _("被询问人及身份"))),
    _minutes("survey_minutes", _("勘验笔录"), _f("subject", _("勘验对象"))),
    DocumentKind("sampling_voucher", _("抽样取证凭证"), "抽", (
        *PARTY_FIELDS, *PLACE_TIME, _f("items", _("抽样物品（名称、规格、数量）"), True)),
        signers=ON_SITE),
    _approval("preservation_approval", _("先行登记保存证据审批表"), "先保审",
              _f("items", _("拟保存物品"), True)),
    _decision("preservation_notice", _("先行登记保存证据通知书"), "先保",
              _f("items", _("保存物品及地点"), True), signers=ON_SITE),
    _approval("preservation_handling_approval", _("先行登记保存证据处理审批表"), "先处审",
              _f("items", _("保存物品"), True), _f("handling", _("拟处理意见"), True)),
    _decision("preservation_handling_decision", _("先行登记保存证据处理决定书"), "先处",
              _f("items", _("保存物品"), True)),
    _approval("seizure_approval", _("查封（扣押）审批表"), "封扣审",
              _f("items", _("拟查封（扣押）场所、设施、财物"), True)),
    _decision("seizure_decision", _("查封（扣押）决定书"), "封扣",
              _f("items", _("查封（扣押）场所、设施、财物"), True),
              _f("deadline", _("期限")), signers=ON_SITE),
    DocumentKind("seizure_list", _("查封（扣押）物品清单"), "封扣清", (
        *PARTY_FIELDS, _f("decision_number", _("决定书文号")),
        _f("items", _("物品名称、规格、数量、状况"), True)), signers=ON_SITE),
    _decision("seizure_handling_decision", _("查封（扣押）处理决定书"), "封扣处",
              _f("items", _("查封（扣押）物品"), True)),
    DocumentKind("investigation_report", _("案件调查终结报告"), "终报", (
        *CASE, *PARTY_FIELDS, _f("process", _("调查经过"), True), FACTS,
        _f("evidence", _("证据"), True), BASIS, _f("handler_opinion", _("处理意见"), True))),
    DocumentKind("penalty_notice", _("行政处罚告知书"), "罚告", (
        *PARTY_FIELDS, FACTS, BASIS, _f("penalty", _("拟作出的行政处罚"), True),
        _f("rights", _("当事人权利（陈述、申辩、听证）"), True))),
    _minutes("statement_minutes", _("当事人陈述申辩笔录"), _f("statement_person",
                                                     _("陈述申辩人"))),
    DocumentKind("hearing_notice", _("听证告知书"), "听告", (
        *PARTY_FIELDS, _f("penalty", _("拟作出的行政处罚"), True),
        _f("deadline", _("申请听证期限")))),
    DocumentKind("hearing_meeting_notice", _("听证会通知书"), "听通", (
        *PARTY_FIELDS, *CASE, *PLACE_TIME, _f("presider", _("听证主持人")),
        _f("rights", _("当事人权利"), True))),
    _minutes("hearing_minutes", _("听证笔录"), _f("presider", _("听证主持人")),
             _f("participants", _("听证参加人"))),
    DocumentKind("hearing_report", _("听证会报告书"), "听报", (
        *CASE, _f("presider", _("听证主持人")), _f("content", _("听证情况"), True),
        _f("handler_opinion", _("处理意见"), True))),
    _approval("case_handling_approval", _("案件处理呈批表"), "案呈", FACTS, BASIS,
              _f("penalty", _("拟处罚意见"), True)),
    _minutes("collective_discussion", _("行政处罚集体讨论记录"),
             _f("participants", _("参加人员")), _f("conclusion", _("讨论结论"), True)),
    _decision("onsite_penalty_unit", _("行政（当场）处罚决定书（单位）"), "当罚单",
              _f("penalty", _("处罚内容"), True), signers=ON_SITE),
    DocumentKind("onsite_penalty_person", _("行政（当场）处罚决定书（个人）"), "当罚个", (
        *PERSON_FIELDS, FACTS, BASIS, _f("penalty", _("处罚内容"), True), REMEDIES),
        signers=ON_SITE),
    _decision("penalty_decision_unit", _("行政处罚决定书（单位）"), "罚单",
              _f("penalty", _("处罚内容"), True), _f("payment", _("缴款方式及期限"), True)),
    DocumentKind("penalty_decision_person", _("行政处罚决定书（个人）"), "罚个", (
        *PERSON_FIELDS, FACTS, BASIS, _f("penalty", _("处罚内容"), True),
        _f("payment", _("缴款方式及期限"), True), REMEDIES)),
    DocumentKind("fine_reminder", _("罚款催缴通知书"), "催缴", (
        *PARTY_FIELDS, _f("decision_number", _("处罚决定书文号")),
        _f("amount", _("罚款金额")), _f("deadline", _("缴纳期限")))),
    _decision("fine_surcharge_decision", _("加处罚款决定书"), "加罚",
              _f("amount", _("加处罚款金额"))),
    _approval("fine_deferral_approval", _("延期（分期）缴纳罚款审批表"), "延审",
              _f("amount", _("罚款金额")), _f("reason", _("申请理由"), True)),
    DocumentKind("fine_deferral_permit", _("延期（分期）缴纳罚款批准书"), "延批", (
        *PARTY_FIELDS, _f("decision_number", _("处罚决定书文号")),
        _f("amount", _("罚款金额")), _f("schedule", _("延期（分期）方式"), True))),
    _decision("supply_stop_decision", _("停供电（停供民用爆炸物品）决定书"), "停供",
              _f("supplier", _("供电（供应）单位")), _f("measures", _("停供措施"), True)),
    _approval("supply_stop_approval", _("停供电（停供民用爆炸物品）审批表"), "停供审",
              _f("facts", _("事实和理由"), True)),
    DocumentKind("performance_demand", _("行政决定履行催告书"), "催告", (
        *PARTY_FIELDS, _f("decision_number", _("行政决定文号")),
        _f("obligation", _("应履行的义务"), True), _f("deadline", _("履行期限")),
        _f("rights", _("当事人权利（陈述、申辩）"), True))),
    DocumentKind("enforcement_application", _("强制执行申请书"), "强执", (
        _f("court", _("人民法院")), *PARTY_FIELDS, _f("decision_number", _("行政决定文号")),
        _f("facts", _("申请事项和理由"), True))),
    _approval("case_transfer_approval", _("案件移送审批表"), "移审",
              _f("receiver", _("受移送机关")), _f("reason", _("移送理由"), True)),
    DocumentKind("case_transfer", _("案件移送书"), "移", (
        _f("receiver", _("受移送机关")), *CASE, _f("reason", _("移送理由"), True),
        _f("materials", _("移送材料"), True))),
    DocumentKind("criminal_transfer", _("涉嫌犯罪案件移送书"), "刑移", (
        _f("receiver", _("公安机关")), *CASE, FACTS, _f("materials", _("移送材料"), True))),
    _approval("filing_revocation_approval", _("撤销立案审批表"), "撤立",
              _f("reason", _("撤销理由"), True)),
    _approval("case_closing_approval", _("结案审批表"), "结",
              _f("result", _("处理结果及执行情况"), True)),
    DocumentKind("service_receipt", _("文书送达回执"), "回", (
        _f("served_document", _("送达文书名称及文号")), _f("recipient", _("受送达人")),
        *PLACE_TIME, _f("method", _("送达方式"))), signers=ON_SITE),
    DocumentKind("case_file_cover", _("案卷首页"), "", (
        *CASE, _f("party", _("当事人")), _f("result", _("处理结果")),
        _f("opened", _("立案日期")), _f("closed", _("结案日期")),
        _f("handlers", _("承办人")), _f("retention", _("保管期限"))), numbered=False,
        signers=()),
    DocumentKind("case_file_index", _("卷内目录"), "", (*CASE,), numbered=False, signers=()),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


def document_kind(key: str) -> DocumentKind:
    """The declared kind; KeyError names an undeclared one."""
    return KIND_BY_KEY[key]


for _kind in KINDS:
    if _kind.numbered:
        number_format_register(_kind.key, template=NUMBER_TEMPLATE, code=_kind.code)
