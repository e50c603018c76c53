"""Emergency plans (应急预案): filing flow, who may act, attachments checked by content,
scope on every page and download, audit trail."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from geo import authority
from geo.models import AuditEntry, Organisation, Role, User
from registry.plans import services
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanState, PlanTemplate

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "应急物资"
    workbook.save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def template(db) -> PlanTemplate:
    return PlanTemplate.objects.create(title="危险化学品企业综合应急预案", kind="comprehensive",
                                       industry="C26", outline=["1 总则", "2 应急组织机构及职责"])


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _plan(world, template=None, attach: bool = True) -> EmergencyPlan:
    """A draft of enterprise A1 (the `enterprise` user's), with a PDF unless told."""
    user = world.users["enterprise"]
    plan = services.plan_create(user=user, title="测试化工1号综合应急预案",
                                kind="comprehensive", template=template)
    if attach:
        services.plan_attachment_add(plan=plan, user=user,
                                     file=SimpleUploadedFile("预案.pdf", PDF))
    return plan


def _state(plan: EmergencyPlan) -> str:
    return EmergencyPlan.objects.values_list("state", flat=True).get(pk=plan.pk)


# ---- creation -------------------------------------------------------------------------
def test_new_plan_copies_the_template_outline_and_owner_scope(world, template):
    client = _client(world, "enterprise")
    response = client.post("/plans/new", {"template": template.pk, "title": "", "kind": ""})
    plan = EmergencyPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    ent = world.enterprises_a[0]
    assert (plan.title, plan.kind, plan.outline) == (
        "危险化学品企业综合应急预案", "comprehensive", ["1 总则", "2 应急组织机构及职责"])
    assert (plan.enterprise_id, plan.organisation_id, plan.division_code, plan.state) == (
        ent.pk, ent.organisation_id, ent.division_code, "draft")
    template.outline.append("3 应急响应")  # a copy: editing the template later changes nothing
    template.save()
    plan.refresh_from_db()
    assert len(plan.outline) == 2


def test_user_without_organisation_cannot_start_a_plan(world, template):
    response = _client(world, "county_a").post("/plans/new", {"template": template.pk})
    assert response.status_code == 403
    assert not EmergencyPlan.objects.exists()


def test_bad_date_names_the_field(world):
    response = _client(world, "enterprise").post(
        "/plans/new", {"title": "预案", "kind": "special", "issued": "2025-13-01"})
    assert response.status_code == 400
    assert "发布日期：日期格式应为 YYYY-MM-DD" in response.content.decode()
    response = _client(world, "enterprise").post("/plans/new", {"title": "", "kind": "bogus"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "预案名称：" in page and "预案类型：" in page and "bogus" in page
    assert not EmergencyPlan.objects.exists()


# ---- the filing flow --------------------------------------------------------------------
def test_submit_then_file_through_the_pages_with_audit_trail(world, template):
    plan = _plan(world, template)
    owner, county = _client(world, "enterprise"), _client(world, "county_a")
    assert owner.post(f"/plans/{plan.pk}/submit").status_code == 302
    assert _state(plan) == "submitted"
    response = county.post(f"/plans/{plan.pk}/file")
    assert response.status_code == 302
    plan.refresh_from_db()
    number = f"320101-{timezone.localdate().year}-0001"
    assert (plan.state, plan.filing_number) == ("filed", number)
    assert plan.submitted_by == world.users["enterprise"]
    assert plan.decided_by == world.users["county_a"]
    assert plan.submitted_at <= plan.decided_at
    steps = [(e.user.username, e.changes["state"]) for e in AuditEntry.objects.filter(
        model="registry.emergencyplan", object_pk=str(plan.pk),
        changes__has_key="state").order_by("id")]
    assert steps == [("enterprise", [None, "draft"]), ("enterprise", ["draft", "submitted"]),
                     ("county_a", ["submitted", "filed"])]
    page = county.get(f"/plans/{plan.pk}/").content.decode()
    assert number in page and "county_a：已提交备案 → 已备案" in page


def test_return_with_reason_then_resubmit(world):
    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    county = _client(world, "county_a")
    missing = county.post(f"/plans/{plan.pk}/return", {"reason": "  "})
    assert missing.status_code == 400 and "请填写退回原因" in missing.content.decode()
    assert _state(plan) == "submitted"
    assert county.post(f"/plans/{plan.pk}/return", {"reason": "响应分级不明确"}).status_code == 302
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason, plan.decided_by) == (
        "returned", "响应分级不明确", world.users["county_a"])
    services.plan_attachment_add(plan=plan, user=world.users["enterprise"],
                                 file=SimpleUploadedFile("修订稿.png", PNG))
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    plan.refresh_from_db()
    assert (plan.state, plan.return_reason, plan.decided_by) == ("submitted", "", None)


def test_enterprise_cannot_file_or_return_its_own_plan(world):
    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    owner = _client(world, "enterprise")
    assert owner.post(f"/plans/{plan.pk}/file", {"filing_number": "X-1"}).status_code == 403
    assert owner.post(f"/plans/{plan.pk}/return", {"reason": "x"}).status_code == 403
    assert _state(plan) == "submitted"


def test_county_b_cannot_see_or_act_on_county_a_plan(world):
    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    other = _client(world, "county_b")
    assert other.post(f"/plans/{plan.pk}/file", {"filing_number": "X-1"}).status_code == 404
    assert other.post(f"/plans/{plan.pk}/return", {"reason": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):  # the service refuses even when called directly
        services.plan_file(plan=plan, user=world.users["county_b"])
    assert _state(plan) == "submitted"


@pytest.mark.parametrize("name", ["county_a", "province", "admin"])
def test_only_the_owner_submits(world, name):
    plan = _plan(world)
    assert _client(world, name).post(f"/plans/{plan.pk}/submit").status_code == 403
    assert _state(plan) == "draft"


def test_analyst_sees_but_does_not_decide(world):
    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    analyst = _client(world, "analyst")
    assert analyst.get(f"/plans/{plan.pk}/").status_code == 200
    assert analyst.post(f"/plans/{plan.pk}/file", {"filing_number": "X"}).status_code == 403


def test_state_rules(world):
    owner, county = world.users["enterprise"], world.users["county_a"]
    bare = _plan(world, attach=False)
    with pytest.raises(ValidationError, match="提交备案前请上传预案文件"):
        services.plan_submit(plan=bare, user=owner)
    plan = _plan(world)
    with pytest.raises(ValidationError, match="只有已提交备案的预案可以备案"):
        services.plan_file(plan=plan, user=county)
    services.plan_submit(plan=plan, user=owner)
    with pytest.raises(ValidationError, match="只有草稿或已退回的预案可以提交备案"):
        services.plan_submit(plan=plan, user=owner)
    services.plan_file(plan=plan, user=county)
    with pytest.raises(ValidationError, match="已提交或已备案的预案不能再上传附件"):
        services.plan_attachment_add(plan=plan, user=owner, file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ValidationError, match="只有已提交备案的预案可以退回"):
        services.plan_return(plan=plan, user=county, reason="x")




def test_filing_numbers_come_from_the_county_counter(world):
    """Behaviour change (issue 8, one numbering): a filed plan takes the next number of its
    county and year from geo.workflow.document_number_next; nobody types it any more."""
    year = timezone.localdate().year
    county = _client(world, "county_a")
    numbers = []
    for _i in range(2):
        plan = _plan(world)
        services.plan_submit(plan=plan, user=world.users["enterprise"])
        assert county.post(f"/plans/{plan.pk}/file", {"filing_number": "手填-1"}).status_code \
            == 302  # a typed number is not read
        numbers.append(EmergencyPlan.objects.get(pk=plan.pk).filing_number)
    assert numbers == [f"320101-{year}-0001", f"320101-{year}-0002"]
    other = world.enterprises_b[0]
    org = Organisation.objects.create(name=other.name, kind="enterprise", division=world.county_b)
    other.organisation = org
    other.save()
    owner = User.objects.create_user("owner_b", role=Role.ENTERPRISE, division=world.county_b,
                                     organisation=org)
    plan_b = services.plan_create(user=owner, title="乙县企业综合应急预案", kind="comprehensive")
    services.plan_attachment_add(plan=plan_b, user=owner, file=SimpleUploadedFile("b.pdf", PDF))
    services.plan_submit(plan=plan_b, user=owner)
    services.plan_file(plan=plan_b, user=world.users["county_b"])
    plan_b.refresh_from_db()
    assert plan_b.filing_number == f"320102-{year}-0001"  # each county counts for itself


def test_the_owner_withdraws_a_submission_before_the_decision(world):
    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    assert _client(world, "county_a").post(f"/plans/{plan.pk}/withdraw").status_code == 403
    owner = _client(world, "enterprise")
    assert 'id="withdraw"' in owner.get(f"/plans/{plan.pk}/").content.decode()
    assert owner.post(f"/plans/{plan.pk}/withdraw").status_code == 302
    assert _state(plan) == "draft"
    assert 'id="withdraw"' not in owner.get(f"/plans/{plan.pk}/").content.decode()
    response = owner.post(f"/plans/{plan.pk}/withdraw")
    assert response.status_code == 400
    assert "只有已提交备案的预案可以撤回" in response.content.decode()


def test_government_plan_is_filed_by_the_level_above(world):
    org = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                      division=world.county_a)
    author = User.objects.create_user("author", password="pw", role=Role.COUNTY,
                                      division=world.county_a, organisation=org)
    plan = services.plan_create(user=author, title="甲县生产安全事故应急预案",
                                kind="comprehensive")
    assert (plan.enterprise_id, plan.organisation_id, plan.division_code) == (
        None, org.pk, "320101000000")
    services.plan_attachment_add(plan=plan, user=author, file=SimpleUploadedFile("a.pdf", PDF))
    services.plan_submit(plan=plan, user=author)
    assert not authority.may_decide(author, plan)  # nobody files their own plan
    assert not authority.may_decide(world.users["county_b"], plan)
    services.plan_file(plan=plan, user=world.users["province"])
    assert _state(plan) == "filed"
    assert Client().get("/plans/").status_code == 302
    assert plan.pk not in _listed(_client(world, "county_b"))
    assert plan.pk not in _listed(_client(world, "enterprise"))
    assert plan.pk in _listed(_client(world, "county_a"))


# ---- attachments ------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "data", "media_type"), [
    ("预案.pdf", PDF, "application/pdf"),
    ("预案.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("物资.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("图.png", PNG, "image/png"),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
])
def test_accepted_types_are_told_by_content(world, media, name, data, media_type):
    plan = _plan(world, attach=False)
    data = data if data is not None else _xlsx()
    response = _client(world, "enterprise").post(
        f"/plans/{plan.pk}/attachments", {"file": SimpleUploadedFile(name, data, "text/plain")})
    assert response.status_code == 302
    attachment = PlanAttachment.objects.get()
    assert (attachment.name, attachment.media_type, attachment.size) == (
        name, media_type, len(data))
    assert (Path(media) / attachment.file.name).read_bytes() == data


@pytest.mark.parametrize(("name", "data", "message"), [
    ("预案.pdf", b"MZ\x90\x00 this is a program", "不支持的文件类型"),
    ("预案.docx", _zip({"readme.txt": b"plain zip"}), "不支持的文件类型"),
    ("预案.pdf", b"<html>not a pdf</html>", "不支持的文件类型"),
    ("预案.pdf", b"", "文件为空"),
    ("大文件.pdf", PDF + b"\x00" * 2000, "文件过大：上限为 0.0 MB"),
])
def test_rejected_uploads_write_nothing(world, media, settings, name, data, message):
    settings.PLAN_ATTACHMENT_MAX_BYTES = 1024
    plan = _plan(world, attach=False)
    upload = SimpleUploadedFile(name, data, "application/pdf")  # the claimed type is ignored
    response = _client(world, "enterprise").post(f"/plans/{plan.pk}/attachments",
                                                 {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanAttachment.objects.exists()
    assert [p for p in Path(media).rglob("*") if p.is_file()] == []


def test_only_the_owner_uploads(world):
    plan = _plan(world, attach=False)
    response = _client(world, "county_a").post(
        f"/plans/{plan.pk}/attachments", {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 403
    assert not PlanAttachment.objects.exists()


def test_download_goes_through_the_scope(world):
    plan = _plan(world)
    attachment = plan.attachments.get()
    url = f"/plans/{plan.pk}/attachments/{attachment.pk}"
    for name in ("enterprise", "county_a", "province", "admin"):
        response = _client(world, name).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    assert _client(world, "county_b").get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    other = _other_enterprise_user(world)
    assert _client_for(other).get(url).status_code == 404
    # an attachment id under another plan's URL is not found either
    assert _client(world, "admin").get(f"/plans/{plan.pk + 1}/attachments/{attachment.pk}") \
        .status_code == 404


# ---- pages and scope --------------------------------------------------------------------
def _listed(client: Client, query: str = "") -> list[int]:
    response = client.get("/plans/" + query)
    assert response.status_code == 200
    return [p.pk for p in response.context["page"].object_list]


def _other_enterprise_user(world) -> User:
    ent = world.enterprises_a[1]
    org = Organisation.objects.create(name=ent.name, kind="enterprise", division=world.county_a)
    ent.organisation = org
    ent.save()
    return User.objects.create_user("ent2", password="pw", role=Role.ENTERPRISE,
                                    division=world.county_a, organisation=org)


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_scope_and_filters(world):
    mine = _plan(world)
    services.plan_submit(plan=mine, user=world.users["enterprise"])
    other_user = _other_enterprise_user(world)
    theirs = services.plan_create(user=other_user, title="2号现场处置方案", kind="onsite")
    assert _listed(_client(world, "enterprise")) == [mine.pk]
    assert _listed(_client_for(other_user)) == [theirs.pk]
    county = _client(world, "county_a")
    assert sorted(_listed(county)) == sorted([mine.pk, theirs.pk])
    assert _listed(county, "?state=submitted") == [mine.pk]
    assert _listed(county, "?kind=onsite") == [theirs.pk]
    assert _listed(county, "?kind=onsite&state=submitted") == []
    assert sorted(_listed(county, "?kind=bogus")) == sorted([mine.pk, theirs.pk])
    assert _listed(_client(world, "county_b")) == []
    assert _client(world, "county_b").get(f"/plans/{mine.pk}/").status_code == 404
    assert _client_for(other_user).get(f"/plans/{mine.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["/plans/", "/plans/new", "/plans/templates/", "/plans/1/"])
def test_pages_need_login(world, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_list_query_count_is_pinned(world, django_assert_max_num_queries):
    for i in range(30):
        plan = services.plan_create(user=world.users["enterprise"], title=f"预案{i}",
                                    kind="special")
        services.plan_attachment_add(plan=plan, user=world.users["enterprise"],
                                     file=SimpleUploadedFile("a.pdf", PDF))
    client = _client(world, "county_a")
    client.get("/plans/")  # warm the scope cache
    with django_assert_max_num_queries(4):  # session, user, the pager count, the plans with counts
        response = client.get("/plans/")
    assert len(response.context["page"].object_list) == 30
    assert response.content.decode().count('class="plan-row"') == 30


def test_template_library_filters_by_kind_and_industry(world, template):
    PlanTemplate.objects.create(title="有限空间现场处置方案", kind="onsite", industry="",
                                outline=["1 事故风险描述"])
    PlanTemplate.objects.create(title="粉尘爆炸专项应急预案", kind="special", industry="C33",
                                outline=["1 适用范围"])
    client = _client(world, "enterprise")
    titles = lambda q: [t.title for t in client.get("/plans/templates/" + q).context["templates"]]  # noqa: E731
    assert titles("?industry=C2614") == ["危险化学品企业综合应急预案", "有限空间现场处置方案"]
    assert titles("?kind=special") == ["粉尘爆炸专项应急预案"]
    page = client.get("/plans/templates/").content.decode()
    assert f"/plans/new?template={template.pk}" in page


def test_detail_shows_only_the_actions_the_user_may_take(world):
    plan = _plan(world)
    owner_page = _client(world, "enterprise").get(f"/plans/{plan.pk}/").content.decode()
    assert 'id="submit"' in owner_page and 'id="file"' not in owner_page
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    county_page = _client(world, "county_a").get(f"/plans/{plan.pk}/").content.decode()
    assert 'id="file"' in county_page and 'id="return"' in county_page
    assert 'id="submit"' not in county_page
    assert str(PlanState.SUBMITTED.label) in county_page


# ---- in a real browser ------------------------------------------------------------------
@pytest.mark.browser
def test_filing_in_a_browser(live_server, world, template, media):
    """Enterprise starts a plan from a template, uploads its text and submits; the county
    supervisor files it. Headless Debian chromium; saves var/screenshots/plan.png."""
    from playwright.sync_api import expect

    from tests.browser import chromium_page, login, screenshot

    with chromium_page(viewport=(1280, 720)) as browser:  # Playwright's default viewport
        page = browser.page
        login(page, f"{live_server.url}/plans/new?template={template.pk}", "enterprise")
        page.fill("input[name=title]", "浏览器中编制的综合应急预案")
        page.click("text=创建草稿")
        expect(page.locator("h1")).to_have_text("浏览器中编制的综合应急预案")
        expect(page.locator(".outline")).to_contain_text("2 应急组织机构及职责")
        page.set_input_files("input[type=file]", files=[{
            "name": "伪装.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a pdf"}])
        page.click("#upload")
        expect(page.locator(".error")).to_contain_text("不支持的文件类型")
        page.set_input_files("input[type=file]", files=[{
            "name": "预案文本.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.click("#upload")
        expect(page.locator("a", has_text="预案文本.pdf")).to_be_visible()
        page.click("#submit")
        expect(page.locator("#state")).to_have_text("已提交备案")
        plan_url = page.url
        page.context.clear_cookies()

        login(page, plan_url, "county_a")
        page.click("#file")
        expect(page.locator("#state")).to_have_text("已备案")
        number = f"320101-{timezone.localdate().year}-0001"
        expect(page.locator("#filing-number")).to_have_text(number)
        expect(page.locator(".history li")).to_have_count(3)
        screenshot(page, "plan")
    plan = EmergencyPlan.objects.get()
    assert (plan.state, plan.filing_number, plan.decided_by.username) == (
        "filed", number, "county_a")


def test_review_reminders_reach_the_owner_once_per_stage(world):
    import datetime

    from django.core.management import call_command

    from geo.models import Notification
    from registry.plans.notifications import plan_review_notify

    plan = _plan(world)
    services.plan_submit(plan=plan, user=world.users["enterprise"])
    today = datetime.date(2026, 3, 1)
    EmergencyPlan.objects.filter(pk=plan.pk).update(review_due=today + datetime.timedelta(40))
    assert plan_review_notify(today=today) == 0                    # more than 30 days left
    assert plan_review_notify(today=today + datetime.timedelta(10)) == 1   # 30 left
    assert plan_review_notify(today=today + datetime.timedelta(11)) == 0   # already told
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-04-11", stdout=out)  # one day overdue
    assert "plans: 1 new messages" in out.getvalue()
    notes = Notification.objects.filter(kind="plan_review").order_by("id")
    assert [n.recipient.username for n in notes] == ["enterprise", "enterprise"]
    assert "剩余30天" in notes[0].body and "已过" in notes[1].body
    assert notes[1].link == f"/plans/{plan.pk}/"


def test_submitting_without_files_says_so_on_the_page(world):
    plan = _plan(world, attach=False)
    response = _client(world, "enterprise").post(f"/plans/{plan.pk}/submit")
    assert response.status_code == 400  # was a 500: the error named a reverse relation
    assert "预案附件：提交备案前请上传预案文件" in response.content.decode()
    assert _state(plan) == "draft"
