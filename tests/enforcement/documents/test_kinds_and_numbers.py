"""The document set of domain-standards §5.1 and the numbers of §5.2, through
geo.workflow.document_number_next (real PostGIS, concurrent workers included)."""

from __future__ import annotations

import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from enforcement.documents import build_templates
from enforcement.documents.kinds import KINDS, document_kind
from enforcement.documents.models import EnforcementDocument
from enforcement.documents.services import document_issue, numbering_area
from geo.models import NumberFormat, Organisation, User
from geo.workflow import document_number_next

# §5.1, entry by entry; the "/"-joined entries (17, 31, 34, 37, 41) are separate documents.
REFERENCE_NAMES = [
    "现场检查方案", "现场检查记录", "现场处理措施决定书", "责令限期整改指令书", "整改复查意见书",
    "强制措施决定书", "鉴定委托书", "立案审批表", "询问通知书", "询问笔录", "勘验笔录",
    "抽样取证凭证", "先行登记保存证据审批表", "先行登记保存证据通知书",
    "先行登记保存证据处理审批表", "先行登记保存证据处理决定书",
    "查封（扣押）审批表", "查封（扣押）决定书", "查封（扣押）物品清单", "查封（扣押）处理决定书",
    "案件调查终结报告", "行政处罚告知书", "当事人陈述申辩笔录", "听证告知书", "听证会通知书",
    "听证笔录", "听证会报告书", "案件处理呈批表", "行政处罚集体讨论记录",
    "行政（当场）处罚决定书（单位）", "行政（当场）处罚决定书（个人）", "行政处罚决定书（单位）",
    "行政处罚决定书（个人）", "罚款催缴通知书", "加处罚款决定书", "延期（分期）缴纳罚款审批表",
    "延期（分期）缴纳罚款批准书", "停供电（停供民用爆炸物品）决定书",
    "停供电（停供民用爆炸物品）审批表", "行政决定履行催告书", "强制执行申请书", "案件移送审批表",
    "案件移送书", "涉嫌犯罪案件移送书", "撤销立案审批表", "结案审批表", "文书送达回执",
    "案卷首页", "卷内目录",
]
# §5.2's table of observed codes
REFERENCE_CODES = {"现场检查记录": "检记", "现场处理措施决定书": "现决",
                   "责令限期整改指令书": "责改", "整改复查意见书": "复查", "立案审批表": "立",
                   "询问通知书": "询", "文书送达回执": "回", "行政处罚告知书": "罚告",
                   "听证告知书": "听告", "案件调查终结报告": "终报"}


def test_every_document_of_the_reference_is_declared_once():
    assert [str(k.name) for k in KINDS] == REFERENCE_NAMES
    assert len(KINDS) == 49 and len({k.key for k in KINDS}) == 49
    assert {str(k.name): k.code for k in KINDS if k.code_verified} == REFERENCE_CODES
    numbered = [k for k in KINDS if k.numbered]
    assert len({k.code for k in numbered}) == len(numbered) == 42  # no two kinds look alike
    assert all(k.fields for k in KINDS)


def test_the_committed_docx_templates_are_what_the_script_builds(tmp_path):
    for kind in KINDS:
        build_templates.build(kind, tmp_path / "t.docx")
        assert (tmp_path / "t.docx").read_bytes() == kind.docx_template.read_bytes(), kind.key


def test_the_provinces_abbreviations_come_with_the_migration(db):
    rows = dict(NumberFormat.objects.filter(kind="*").values_list("area", "abbreviation"))
    assert len(rows) == 34 and rows["45"] == "桂" and rows["32"] == "苏" and rows["52"] == "黔"


SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(year: int):
    return mock.patch("enforcement.documents.services.timezone.now",
                      return_value=datetime(year, 6, 1, 9, tzinfo=SHANGHAI))


def test_numbers_follow_the_reference_pattern_per_agency_kind_and_year(world, agencies):
    user, enterprise = world.users["county_a"], world.enterprises_a[0]

    def issue(kind, **kw):
        return document_issue(kind=kind, source=enterprise, user=user, render=False,
                              **kw).number

    with _at(2026):
        assert [issue("inspection_record"), issue("inspection_record", line="危化"),
                issue("rectification_order"), issue("inquiry_minutes")] == [
            "（苏）应急检记〔2026〕1号", "（苏）应急检记〔2026〕危化2号",
            "（苏）应急责改〔2026〕1号", ""]
    with _at(2027):
        assert issue("inspection_record") == "（苏）应急检记〔2027〕1号"  # a new year restarts
    # another bureau of the same county keeps its own serials
    other = Organisation.objects.create(name="甲县矿山安全局", kind="government",
                                        division=world.county_a)
    user.organisation = other
    with _at(2026):
        assert issue("inspection_record") == "（苏）应急检记〔2026〕1号"
    document = EnforcementDocument.objects.get(number="（苏）应急检记〔2026〕危化2号")
    assert (document.year, document.line, document.agency, document.division_code) == (
        2026, "危化", agencies["a"], enterprise.division_code)


def test_a_province_sets_its_abbreviations_and_codes_in_data(world, agencies):
    """The brief's example: （桂）应急检记〔2019〕危化3号, with a city's own abbreviation
    and a province's own code for a kind."""
    NumberFormat.objects.create(kind="*", area="3201", abbreviation="苏宁",
                                template="（{abbr}）应急{code}〔{year}〕{line}{serial}号")
    NumberFormat.objects.create(kind="sampling_voucher", area="32", code="抽证",
                                template="（{abbr}）应急{code}〔{year}〕{line}{serial}号")
    area = numbering_area(agencies["a"])
    assert [document_number_next(area=area, year=2026, kind=k) for k in
            ("sampling_voucher", "inspection_record")] == [
        "（苏宁）应急抽证〔2026〕1号", "（苏宁）应急检记〔2026〕1号"]
    guangxi = f"450102000000#{agencies['a'].pk}"
    numbers = [document_number_next(area=guangxi, year=2019, kind="inspection_record",
                                    line="危化") for _i in range(3)]
    assert numbers[-1] == "（桂）应急检记〔2019〕危化3号"


def test_only_a_supervisor_of_an_agency_over_the_source_issues(world, agencies):
    enterprise = world.enterprises_a[0]
    with pytest.raises(PermissionDenied):
        document_issue(kind="inspection_record", source=enterprise,
                       user=world.users["county_b"], render=False)
    with pytest.raises(PermissionDenied):
        document_issue(kind="inspection_record", source=enterprise,
                       user=world.users["enterprise"], render=False)
    with pytest.raises(ValidationError, match="未关联政府部门"):
        document_issue(kind="inspection_record", source=enterprise,
                       user=world.users["province"], render=False)  # no organisation
    with pytest.raises(KeyError):
        document_issue(kind="no_such_kind", source=enterprise, user=world.users["county_a"])
    assert EnforcementDocument.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_every_serial_once_and_no_gap(world, agencies):
    """8 workers, each with its own database connection, issue 6 documents each at once,
    half of them in one year and half in the next."""
    user_id, enterprise = world.users["county_a"].pk, world.enterprises_a[0]
    start, errors = threading.Barrier(8), []

    def work(year: int) -> None:
        try:
            user = User.objects.select_related("organisation").get(pk=user_id)
            start.wait()
            for _i in range(6):
                document_issue(kind="inspection_record", source=enterprise, user=user,
                               issued_at=datetime(year, 6, 1, 9, tzinfo=SHANGHAI),
                               render=False)
        except Exception as exc:  # reported below: a worker's failure fails the test
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(2026 + i % 2,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    for year in (2026, 2027):
        numbers = list(EnforcementDocument.objects.filter(year=year)
                       .values_list("number", flat=True))
        assert sorted(numbers) == sorted(f"（苏）应急检记〔{year}〕{n}号" for n in range(1, 25))


def test_the_declared_kind_is_found_by_key():
    assert str(document_kind("service_receipt").name) == "文书送达回执"


def test_an_administrator_sets_a_citys_abbreviation_in_the_admin(client, world, agencies):
    client.force_login(world.users["admin"])
    response = client.post("/admin/geo/numberformat/add/", {
        "kind": "*", "area": "3201", "abbreviation": "苏宁", "code": "",
        "template": "（{abbr}）应急{code}〔{year}〕{line}{serial}号"})
    assert response.status_code == 302
    with _at(2026):
        assert document_issue(kind="penalty_notice", source=world.enterprises_a[0],
                              user=world.users["county_a"], render=False).number == \
            "（苏宁）应急罚告〔2026〕1号"
