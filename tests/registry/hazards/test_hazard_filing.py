"""Filing (备案) of major hazard sources, responsible persons, the one-source file page,
the list page and the printable documents (real PostGIS, real WeasyPrint)."""

from __future__ import annotations

import importlib
import re
from html import unescape
from io import StringIO

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from geo.models import AuditEntry, DocumentCounter, Notification, Organisation
from geo.workflow import document_number_next
from registry.hazards import filing
from registry.hazards.models import Chemical, FilingState, HazardSource, HazardSourceFiling
from registry.hazards.services import (
    hazard_source_create,
    hazard_source_set_chemicals,
    responsible_persons_set,
)
from tests.conftest import box

PERSONS = [
    {"role": "principal", "name": "王建国", "post": "总经理", "phone": "13900000001"},
    {"role": "technical", "name": "李志强", "post": "总工程师", "phone": "025-84561234"},
    {"role": "operation", "name": "张海燕", "post": "储运车间主任", "phone": "13900000003"},
]


@pytest.fixture
def chemicals(db) -> dict[str, Chemical]:
    call_command("load_chemicals", stdout=StringIO())
    return {c.name: c for c in Chemical.objects.all()}


def _source(enterprise, chemicals, name="液氯罐区", tonnes="30") -> HazardSource:
    x, y = enterprise.geom.x, enterprise.geom.y
    source = hazard_source_create(enterprise=enterprise, name=name, kind="tank_farm",
                                  geom=box(x - 0.0005, y - 0.0005, x + 0.0005, y + 0.0005),
                                  exposed_people=60)
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], tonnes)])
    source.refresh_from_db()
    return source


@pytest.fixture
def source(world, chemicals) -> HazardSource:
    """Owned by the `enterprise` user's organisation, in county A: 氯 30 t, level 3."""
    source = _source(world.enterprises_a[0], chemicals)
    responsible_persons_set(source=source, persons=PERSONS)
    return source


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


# ---- services --------------------------------------------------------------------------

def test_persons_are_validated_with_the_role_and_field_named(world, chemicals):
    source = _source(world.enterprises_a[0], chemicals)
    bad = [{**PERSONS[0], "phone": "12345"}, {**PERSONS[1], "name": ""}, PERSONS[2]]
    with pytest.raises(ValidationError) as caught:
        responsible_persons_set(source=source, persons=bad)
    assert sorted(caught.value.message_dict) == ["principal.phone", "technical.name"]
    assert caught.value.message_dict["principal.phone"] == [
        "请填写11位手机号或带区号的固定电话，如 025-84561234"]
    assert source.persons.count() == 0
    with pytest.raises(ValidationError, match="同一责任类别只能填写一人"):
        responsible_persons_set(source=source, persons=[PERSONS[0], PERSONS[0]])
    responsible_persons_set(source=source, persons=PERSONS)
    assert list(source.persons.values_list("role", "phone")) == [
        ("operation", "13900000003"), ("principal", "13900000001"),
        ("technical", "025-84561234")]


def test_filing_submit_return_accept_with_history_audit_and_number(world, source):
    enterprise, county_a = world.users["enterprise"], world.users["county_a"]
    with pytest.raises(PermissionDenied):
        filing.hazard_source_submit(source=source, user=county_a)
    with pytest.raises(PermissionDenied):  # nobody accepts what was not submitted by rank
        filing.hazard_source_accept(source=source, user=world.users["county_b"])
    with pytest.raises(ValidationError, match="不是待受理"):
        filing.hazard_source_accept(source=source, user=county_a)
    filing.hazard_source_submit(source=source, user=enterprise)
    with pytest.raises(ValidationError, match="不能提交备案"):
        filing.hazard_source_submit(source=source, user=enterprise)
    with pytest.raises(ValidationError, match="退回时须填写原因"):
        filing.hazard_source_return(source=source, user=county_a, reason="  ")
    for user in ("county_b", "analyst", "enterprise"):
        with pytest.raises(PermissionDenied):
            filing.hazard_source_return(source=source, user=world.users[user], reason="x")
    filing.hazard_source_return(source=source, user=county_a, reason="电话有误")
    filing.hazard_source_submit(source=source, user=enterprise)
    filing.hazard_source_accept(source=source, user=world.users["province"])
    source.refresh_from_db()
    year = timezone.localdate().year
    assert (source.filing_state, source.filing_number) == ("accepted", f"320101-{year}-0001")
    history = list(source.filings.values_list("action", "user__username", "reason", "number"))
    assert history == [("submit", "enterprise", "", ""), ("return", "county_a", "电话有误", ""),
                       ("submit", "enterprise", "", ""),
                       ("accept", "province", "", f"320101-{year}-0001")]
    states = [(e.user.username, e.changes["filing_state"]) for e in AuditEntry.objects.filter(
        model="registry.hazardsource", object_pk=str(source.pk), action="update",
        changes__has_key="filing_state").order_by("pk")]
    assert states == [("enterprise", ["draft", "submitted"]),
                      ("county_a", ["submitted", "returned"]),
                      ("enterprise", ["returned", "submitted"]),
                      ("province", ["submitted", "accepted"])]


def test_numbers_run_per_county_and_year(world, chemicals, source):
    other = _source(world.enterprises_a[0], chemicals, name="二号罐区")
    responsible_persons_set(source=other, persons=PERSONS)
    for s in (source, other):
        filing.hazard_source_submit(source=s, user=world.users["enterprise"])
        filing.hazard_source_accept(source=s, user=world.users["county_a"])
    year = timezone.localdate().year
    assert sorted(HazardSource.objects.values_list("filing_number", flat=True)) == [
        f"320101-{year}-0001", f"320101-{year}-0002"]


def test_an_incomplete_source_cannot_be_submitted(world, chemicals):
    source = _source(world.enterprises_a[0], chemicals, tonnes="4")  # S 0.8: not major
    with pytest.raises(ValidationError) as caught:
        filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    assert caught.value.message_dict == {
        "level": ["未构成重大危险源，不需也不能备案"],
        "persons": ["缺少包保责任人：主要负责人、技术负责人、操作负责人"]}
    assert HazardSourceFiling.objects.count() == 0


# ---- pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/hazards/", "/hazards/{id}/", "/hazards/{id}/form/",
                                  "/hazards/{id}/form.pdf", "/hazards/{id}/notice.pdf",
                                  "/hazards/chemicals/", "/hazards/chemicals/identify/"])
def test_pages_send_anonymous_callers_to_login(client, source, path):
    response = client.get(path.format(id=source.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/hazards/")


@pytest.mark.parametrize("path", ["/hazards/{id}/", "/hazards/{id}/form/",
                                  "/hazards/{id}/form.pdf", "/hazards/{id}/notice/",
                                  "/hazards/{id}/notice.pdf"])
def test_other_county_gets_404(client, world, source, path):
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["county_a"])
    url = path.format(id=source.pk)
    assert _login(client, world, "county_a").get(url).status_code == 200
    assert _login(client, world, "county_b").get(url).status_code == 404
    response = _login(client, world, "county_b").post(f"/hazards/{source.pk}/filing/return/",
                                                      {"reason": "x"})
    assert response.status_code == 404


def test_one_source_file_page(client, world, source):
    page = unescape(_login(client, world, "county_a").get(f"/hazards/{source.pk}/")
                    .content.decode())
    for text in ("液氯罐区", "测试化工1号有限公司", "表1第12项“氯”", "表3 毒性气体“氯”",
                 "R = 36，50 > R ≥ 10，为3级重大危险源", "王建国", "025-84561234", "未备案",
                 "/static/vendor/maplibre-gl/maplibre-gl.js", "form.pdf"):
        assert text in page, text
    assert "cdn" not in page.lower() and "https://" not in page
    assert "notice.pdf" not in page  # not filed yet
    assert 'id="accept-filing"' not in page  # nothing submitted


def test_filing_through_the_pages(client, world, source):
    owner = _login(client, world, "enterprise")
    assert 'id="submit-filing"' in owner.get(f"/hazards/{source.pk}/").content.decode()
    response = owner.post(f"/hazards/{source.pk}/filing/submit/")
    assert response.status_code == 302
    assert owner.post(f"/hazards/{source.pk}/filing/accept/").status_code == 403
    gov = _login(client, world, "county_a")
    page = gov.get(f"/hazards/{source.pk}/").content.decode()
    assert 'id="accept-filing"' in page and "已提交备案" in page
    gov.post(f"/hazards/{source.pk}/filing/return/", {"reason": ""})
    assert "退回时须填写原因" in gov.get(f"/hazards/{source.pk}/").content.decode()
    gov.post(f"/hazards/{source.pk}/filing/accept/")
    source.refresh_from_db()
    assert source.filing_state == FilingState.ACCEPTED
    assert "notice.pdf" in gov.get(f"/hazards/{source.pk}/").content.decode()


def test_persons_form_names_role_and_field(client, world, source):
    owner = _login(client, world, "enterprise")
    data = {f"{p['role']}-{k}": p[k] for p in PERSONS for k in ("name", "post", "phone")}
    owner.post(f"/hazards/{source.pk}/persons/", {**data, "operation-phone": "88"})
    page = owner.get(f"/hazards/{source.pk}/").content.decode()
    assert "操作负责人联系电话：请填写11位手机号" in page
    assert source.persons.get(role="operation").phone == "13900000003"  # nothing written
    owner.post(f"/hazards/{source.pk}/persons/", {**data, "operation-name": "赵六"})
    assert source.persons.get(role="operation").name == "赵六"
    assert _login(client, world, "county_a").post(
        f"/hazards/{source.pk}/persons/", data).status_code == 403


def _pdf_text(content: bytes) -> str:
    """The PDF's text without whitespace (table cells wrap their lines)."""
    pdf = pypdfium2.PdfDocument(content)
    return re.sub(r"\s+", "", "".join(page.get_textpage().get_text_range() for page in pdf))


def test_registration_form_pdf_and_html_share_the_template(client, world, source):
    gov = _login(client, world, "county_a")
    html = unescape(gov.get(f"/hazards/{source.pk}/form/").content.decode())
    assert "危险化学品重大危险源备案登记表" in html and "三级" in html and "R = 36" in html
    response = gov.get(f"/hazards/{source.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    for expected in ("危险化学品重大危险源备案登记表", "液氯罐区", "三级", "表3 毒性气体“氯”",
                     "王建国", "R = 36"):
        assert expected.replace(" ", "") in text, expected


def test_notice_exists_only_after_acceptance(client, world, source):
    gov = _login(client, world, "county_a")
    assert gov.get(f"/hazards/{source.pk}/notice.pdf").status_code == 404
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["county_a"])
    source.refresh_from_db()
    response = _login(client, world, "enterprise").get(f"/hazards/{source.pk}/notice.pdf")
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    for expected in ("备案告知书", source.filing_number, "液氯罐区", "三级", "甲县应急管理局"):
        assert expected.replace(" ", "") in text, expected


def test_list_filters_scope_and_query_count(client, world, chemicals, source,
                                            django_assert_max_num_queries):
    for i, ent in enumerate(world.enterprises_a[1:] + world.enterprises_b):
        _source(ent, chemicals, name=f"罐区{i}", tonnes="62.5" if i % 2 else "30")
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    gov = _login(client, world, "county_a")
    with django_assert_max_num_queries(6):
        page = gov.get("/hazards/").content.decode()
    assert len(re.findall(r'href="/hazards/\d+/"', page)) == 5
    assert "罐区4" not in page and "罐区5" not in page  # county B's units
    submitted = gov.get("/hazards/?state=submitted").content.decode()
    assert "液氯罐区" in submitted and "罐区0" not in submitted
    level2 = gov.get("/hazards/?level=2").content.decode()  # 62.5 t with α 1.5: R 75
    assert "罐区1" in level2 and "罐区0" not in level2 and "液氯罐区" not in level2
    own = _login(client, world, "enterprise").get("/hazards/").content.decode()
    assert "液氯罐区" in own and "罐区0" not in own


def test_enterprise_user_sees_only_its_own_sources(client, world, chemicals, source):
    other = _source(world.enterprises_a[1], chemicals, name="别家罐区")  # same county
    owner = _login(client, world, "enterprise")
    assert owner.get(f"/hazards/{source.pk}/").status_code == 200
    for path in ("/", "/form.pdf", "/form/"):
        assert owner.get(f"/hazards/{other.pk}{path}").status_code == 404
    assert owner.post(f"/hazards/{other.pk}/filing/submit/").status_code == 404
    # a county A supervisor sees it but may not file it for the enterprise
    assert _login(client, world, "county_a").post(
        f"/hazards/{other.pk}/filing/submit/").status_code == 403


def test_a_change_to_the_grading_sends_a_filed_source_back_for_refiling(world, source,
                                                                         chemicals):
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["county_a"])
    source.refresh_from_db()
    number = source.filing_number
    assert source.filing_state == FilingState.ACCEPTED and number
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "30")])  # same S, R
    source.refresh_from_db()
    assert source.filing_state == FilingState.ACCEPTED
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "80")])  # more chlorine
    source.refresh_from_db()
    assert source.filing_state == FilingState.DRAFT and source.filing_number == number
    steps = list(source.filings.values_list("action", "number"))
    assert steps == [("submit", ""), ("accept", number), ("change", number)]
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["county_a"])
    source.refresh_from_db()
    assert source.filing_state == FilingState.ACCEPTED and source.filing_number == number


def test_the_administrator_decides_filings_like_plans_and_file_edits(world, source):
    """Behaviour change (issue 8, one admin rule in geo.authority): the system administrator
    may accept or return a hazard filing, as it already could a plan or an edit review."""
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_return(source=source, user=world.users["admin"], reason="补充附图")
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["admin"])
    assert list(source.filings.values_list("action", "user__username")) == [
        ("submit", "enterprise"), ("return", "admin"), ("submit", "enterprise"),
        ("accept", "admin")]


# ---- the review (geo.workflow) and the document counter ---------------------------------
def test_numbers_issued_before_the_counter_are_not_issued_again(world, chemicals):
    source = _source(world.enterprises_a[0], chemicals)
    type(source).objects.filter(pk=source.pk).update(filing_number="320101-2026-0041")
    seed = importlib.import_module("registry.migrations.0012_document_numbers").SEED
    with connection.cursor() as cursor:
        cursor.execute(seed)
    assert list(DocumentCounter.objects.values_list("area", "kind", "year", "last")) == [
        ("320101", "hazard_filing", 2026, 41)]
    assert document_number_next(area="320101", year=2026, kind="hazard_filing") == \
        "320101-2026-0042"


@pytest.fixture
def department(world):
    """County A's emergency bureau supervises the `enterprise` user's enterprise."""
    office = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    world.users["county_a"].organisation = office
    world.users["county_a"].save()
    ent = world.enterprises_a[0]
    ent.supervising_department = office
    ent.save()
    return office


def test_each_side_hears_of_the_other_ones_step(world, chemicals, department):
    source = _source(world.enterprises_a[0], chemicals)
    responsible_persons_set(source=source, persons=PERSONS)
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_return(source=source, user=world.users["county_a"], reason="电话有误")
    inbox = Notification.objects.order_by("pk").values_list("recipient__username", "title",
                                                            "body", "link")
    link = f"/hazards/{source.pk}/"
    assert list(inbox) == [("county_a", "提交备案：液氯罐区", "", link),
                           ("enterprise", "退回：液氯罐区", "电话有误", link)]


def test_a_withdrawn_filing_is_a_draft_again_and_kept_in_the_history(world, chemicals,
                                                                       department, client):
    source = _source(world.enterprises_a[0], chemicals)
    responsible_persons_set(source=source, persons=PERSONS)
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    client.force_login(world.users["enterprise"])
    assert 'id="withdraw-filing"' in client.get(f"/hazards/{source.pk}/").content.decode()
    assert client.post(f"/hazards/{source.pk}/filing/withdraw/").status_code == 302
    source.refresh_from_db()
    assert source.filing_state == "draft"
    assert list(source.filings.values_list("action", "user__username")) == [
        ("submit", "enterprise"), ("withdraw", "enterprise")]
    with pytest.raises(ValidationError, match="不是待受理"):
        filing.hazard_source_withdraw(source=source, user=world.users["enterprise"])


# ---- issue 9 §5: an unevaluated source (未评估) -----------------------------------------------
REASON = "未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α"


@pytest.fixture
def unevaluated(world, chemicals, source) -> HazardSource:
    """The `source` (氯 30 t, persons complete) with its exposed population not entered."""
    from registry.hazards.services import hazard_source_update

    hazard_source_update(source=source, exposed_people=None)
    source.refresh_from_db()
    return source


def test_filing_refuses_an_unevaluated_source(world, unevaluated):
    assert (unevaluated.is_major, unevaluated.level) == (True, None)
    with pytest.raises(ValidationError) as caught:
        filing.hazard_source_submit(source=unevaluated, user=world.users["enterprise"])
    assert caught.value.message_dict == {
        "exposed_people": ["须填写厂外500米内常住人口（0人也须填写）后才能备案"],
        "level": [f"尚未评估，不能备案：{REASON}"]}
    assert HazardSourceFiling.objects.count() == 0


def test_not_major_source_is_still_refused_as_before(world, chemicals):
    source = _source(world.enterprises_a[0], chemicals, tonnes="4")
    responsible_persons_set(source=source, persons=PERSONS)
    with pytest.raises(ValidationError) as caught:
        filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    assert caught.value.message_dict == {"level": ["未构成重大危险源，不需也不能备案"]}


def test_unevaluated_is_shown_with_its_reason_on_every_page(client, world, unevaluated):
    gov = _login(client, world, "county_a")
    detail = gov.get(f"/hazards/{unevaluated.pk}/").content.decode()
    assert f'<td id="level">未评估<br><small class="reason">{REASON}</small></td>' in detail
    assert '<td id="exposed-people">未填写</td>' in detail
    listing = gov.get("/hazards/").content.decode()
    assert f'<td class="level">未评估<br><small class="reason">{REASON}</small></td>' in listing
    form = unescape(gov.get(f"/hazards/{unevaluated.pk}/form/").content.decode())
    assert f"未评估<br><small class=\"reason\">{REASON}</small>" in form
    file = gov.get(f"/enterprises/{unevaluated.enterprise_id}/").content.decode()
    assert f"未评估<br><small class=\"reason\">{REASON}</small>" in file
    assert "三级" not in file


def test_exposed_population_entered_on_the_page(client, world, unevaluated):
    owner = _login(client, world, "enterprise")
    url = f"/hazards/{unevaluated.pk}/exposed/"
    for bad in ("", "-3", "十", "1.5"):
        assert owner.post(url, {"exposed_people": bad}).status_code == 302
        page = owner.get(f"/hazards/{unevaluated.pk}/").content.decode()
        assert "厂外500米内常住人口：请填写0或正整数（人）" in page, bad
    owner.post(url, {"exposed_people": "0"})
    unevaluated.refresh_from_db()
    assert (unevaluated.exposed_people, unevaluated.level, unevaluated.r_value) == (
        0, 3, 12)  # 0 entered is a value: α 0.5, R = 0.5 × 4 × 6
    assert _login(client, world, "analyst").post(url, {"exposed_people": "5"}).status_code \
        == 403
    filing.hazard_source_submit(source=unevaluated, user=world.users["enterprise"])
    assert _login(client, world, "enterprise").post(url, {"exposed_people": "5"}).status_code \
        == 403  # not while the supervisor decides


def test_a_supervisor_enters_a_class_on_the_page(client, world, chemicals):
    source = _source(world.enterprises_a[0], chemicals)
    hazard_source_set_chemicals(source=source, items=[(chemicals["汽油（乙醇汽油、甲醇汽油）"],
                                                       "400")])
    item = source.items.get()
    url = f"/hazards/{source.pk}/chemicals/{item.pk}/class/"
    gov = _login(client, world, "county_a")
    page = gov.get(f"/hazards/{source.pk}/").content.decode()
    assert f'action="{url}"' in page
    gov.post(url, {"hazard_symbols": "W5.1 W99", "hazard_symbols_note": "SDS"})
    page = gov.get(f"/hazards/{source.pk}/").content.decode()
    assert "“汽油（乙醇汽油、甲醇汽油）”：“W99”不是GB 18218表2的危险性类别符号" in page
    gov.post(url, {"hazard_symbols": "W5.1", "hazard_symbols_note": "SDS：初沸点28℃"})
    source.refresh_from_db()
    assert (source.level, source.r_value) == (4, 4.5)
    owner = _login(client, world, "enterprise")
    assert f'action="{url}"' not in owner.get(f"/hazards/{source.pk}/").content.decode()
    assert owner.post(url, {"hazard_symbols": "W5.3", "hazard_symbols_note": "x"}
                      ).status_code == 403


def test_migration_forgets_the_old_default_zero(world, chemicals, source):
    """Existing 0s cannot be told from the old default: they become "not entered", the
    grading is cleared and a filed source goes back to be filed again, saying why."""
    filing.hazard_source_submit(source=source, user=world.users["enterprise"])
    filing.hazard_source_accept(source=source, user=world.users["county_a"])
    kept = _source(world.enterprises_a[0], chemicals, name="二号罐区")
    HazardSource.objects.filter(pk=source.pk).update(exposed_people=0)
    migration = importlib.import_module("registry.migrations.0013_exposed_people_entered")
    from django.apps import apps

    migration.forget_default_zero(apps, None)
    source.refresh_from_db()
    assert (source.exposed_people, source.r_value, source.level, source.filing_state) == (
        None, None, None, "draft")
    assert source.unevaluated_reason == REASON
    assert (source.evaluation["error"], source.evaluation["level"]) == (REASON, None)
    assert source.filings.last().action == "change"
    assert source.filings.last().reason == (
        "厂外500米内常住人口原为默认值0，无法确认是否实际填写，已清空；请填写后重新提交备案")
    kept.refresh_from_db()
    assert (kept.exposed_people, kept.level) == (60, 3)


def test_list_level_filter_ignores_digits_int_refuses(client, world, source):
    # "²".isdigit() is True but int("²") raises: the filter answered 500
    page = _login(client, world, "county_a").get("/hazards/?level=²")
    assert page.status_code == 200 and "液氯罐区" in page.content.decode()
