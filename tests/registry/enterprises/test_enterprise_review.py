"""Edits proposed by enterprise users and their review (审核) by the supervising
department: the queue, the diff, approve (atomic, audited), reject (reason required),
one pending edit at a time, conflicts, and the scope of every face."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from geo.models import AuditEntry, Notification, Organisation, Role, User
from registry.enterprises.file_models import HazchemProfile
from registry.enterprises.models import EnterpriseEdit
from registry.enterprises.review import file_snapshot
from registry.enterprises.services import enterprise_file_update
from tests.registry.enterprises.enterprise_forms import file_post


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def own(world):
    return world.enterprises_a[0]


@pytest.fixture
def submitted(world, own) -> EnterpriseEdit:
    response = client_for(world.users["enterprise"]).post(
        f"/enterprises/{own.pk}/edit",
        file_post(own, legal_representative="张三", scale="small",
                  categories=["hazardous_chemicals"],
                  **{"hazchem-licence_types": ["storage"], "hazchem-in_chemical_park": "on"}))
    assert response.status_code == 302
    return EnterpriseEdit.objects.get()


def test_submission_does_not_write_the_record(world, own, submitted):
    own.refresh_from_db()
    assert (own.legal_representative, own.scale, own.categories) == ("", "", [])
    assert not HazchemProfile.objects.filter(enterprise=own).exists()
    assert submitted.status == "submitted"
    assert submitted.submitted_by == world.users["enterprise"]
    assert submitted.proposed["enterprise"]["legal_representative"] == "张三"


def test_diff_shows_labels_and_display_values(world, submitted):
    page = client_for(world.users["county_a"]).get(f"/enterprises/reviews/{submitted.pk}/")
    assert page.status_code == 200
    rows = [(c.label, c.old, c.new) for c in page.context["changes"]]
    assert rows == [
        ("企业规模", "—", "小型"),
        ("法定代表人", "—", "张三"),
        ("监管类别", "—", "危险化学品"),
        ("危险化学品企业信息：许可类型", "—", "储存"),
        ("危险化学品企业信息：位于化工园区", "—", "是"),
    ]
    html = page.content.decode()
    assert "小型" in html and "危险化学品" in html


def test_queue_scope(world, submitted):
    county_a = client_for(world.users["county_a"]).get("/enterprises/reviews/")
    assert [e.pk for e, _n in county_a.context["rows"]] == [submitted.pk]
    assert client_for(world.users["province"]).get("/enterprises/reviews/") \
        .context["rows"][0][0] == submitted
    assert client_for(world.users["county_b"]).get("/enterprises/reviews/") \
        .context["rows"] == []
    assert client_for(world.users["county_b"]).get(
        f"/enterprises/reviews/{submitted.pk}/").status_code == 404
    assert client_for(world.users["enterprise"]).get("/enterprises/reviews/").status_code == 403
    assert client_for(world.users["analyst"]).get("/enterprises/reviews/").status_code == 403


def test_queue_query_count_is_flat(world, own, submitted, django_assert_max_num_queries):
    for enterprise in world.enterprises_a[1:]:  # more edits, proposed by a supervisor-free path
        base = file_snapshot(enterprise)
        proposed = file_snapshot(enterprise)
        proposed["enterprise"]["address"] = "新地址"
        EnterpriseEdit.objects.create(enterprise=enterprise, base=base, proposed=proposed,
                                      submitted_by=world.users["enterprise"])
    client = client_for(world.users["county_a"])
    with django_assert_max_num_queries(6):
        response = client.get("/enterprises/reviews/")
    assert len(response.context["rows"]) == 5


def test_only_the_supervisor_in_scope_can_approve(world, own, submitted):
    url = f"/enterprises/reviews/{submitted.pk}/"
    assert client_for(world.users["enterprise"]).post(url, {"action": "approve"}) \
        .status_code == 403
    assert client_for(world.users["county_b"]).post(url, {"action": "approve"}) \
        .status_code == 404
    submitted.refresh_from_db()
    own.refresh_from_db()
    assert submitted.status == "submitted" and own.legal_representative == ""


def test_approve_applies_atomically_and_is_audited(world, own, submitted):
    response = client_for(world.users["county_a"]).post(
        f"/enterprises/reviews/{submitted.pk}/", {"action": "approve"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.legal_representative, own.scale, own.categories) == \
        ("张三", "small", ["hazardous_chemicals"])
    profile = HazchemProfile.objects.get(enterprise=own)
    assert (profile.licence_types, profile.in_chemical_park) == (["storage"], True)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == ("approved", world.users["county_a"])
    change = AuditEntry.objects.get(model="registry.enterprise", object_pk=str(own.pk),
                                    action="update")
    assert change.user_id == world.users["county_a"].pk
    assert change.changes["legal_representative"] == ["", "张三"]
    assert change.changes["_edit"] == [None, {
        "id": submitted.pk, "submitted_by": world.users["enterprise"].pk,
        "submitted_by_name": "enterprise"}]
    profile_entry = AuditEntry.objects.get(model="registry.hazchemprofile", action="create")
    assert profile_entry.user_id == world.users["county_a"].pk
    assert profile_entry.changes["_edit"][1]["submitted_by"] == world.users["enterprise"].pk
    # the edit's own audit entry names both people: submitter on the row, reviewer as actor
    review = AuditEntry.objects.get(model="registry.enterpriseedit",
                                    object_pk=str(submitted.pk), action="update")
    assert review.user_id == world.users["county_a"].pk
    assert review.changes["status"] == ["submitted", "approved"]
    created = AuditEntry.objects.get(model="registry.enterpriseedit",
                                     object_pk=str(submitted.pk), action="create")
    assert created.user_id == world.users["enterprise"].pk
    assert created.changes["submitted_by_id"] == [None, world.users["enterprise"].pk]


def test_reject_needs_a_reason(world, own, submitted):
    client = client_for(world.users["county_a"])
    url = f"/enterprises/reviews/{submitted.pk}/"
    response = client.post(url, {"action": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["reject_form"].errors
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert client.post(url, {"action": "reject", "reason": "法定代表人与营业执照不符"}) \
        .status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reject_reason) == ("rejected", "法定代表人与营业执照不符")
    own.refresh_from_db()
    assert own.legal_representative == ""
    page = client_for(world.users["enterprise"]).get(f"/enterprises/{own.pk}/edit")
    assert "法定代表人与营业执照不符" in page.content.decode()


def test_a_second_pending_edit_is_refused(world, own, submitted):
    client = client_for(world.users["enterprise"])
    response = client.post(f"/enterprises/{own.pk}/edit",
                           file_post(own, safety_officer="王五"))
    assert response.status_code == 200
    assert "已有一条待审核的档案变更申请" in response.content.decode()
    assert EnterpriseEdit.objects.count() == 1


def test_conflicting_change_is_detected(world, own, submitted):
    proposed = file_snapshot(own)
    proposed["enterprise"]["legal_representative"] = "赵六"  # the supervisor got there first
    enterprise_file_update(actor=world.users["county_a"], enterprise=own, proposed=proposed)
    response = client_for(world.users["county_a"]).post(
        f"/enterprises/reviews/{submitted.pk}/", {"action": "approve"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已被修改" in html and "法定代表人" in html
    assert 'class="conflict"' in html
    own.refresh_from_db()
    submitted.refresh_from_db()
    assert own.legal_representative == "赵六" and own.scale == ""
    assert submitted.status == "submitted"


def test_unrelated_change_does_not_conflict(world, own, submitted):
    proposed = file_snapshot(own)
    proposed["enterprise"]["address"] = "测试路100号"
    enterprise_file_update(actor=world.users["county_a"], enterprise=own, proposed=proposed)
    assert client_for(world.users["county_a"]).post(
        f"/enterprises/reviews/{submitted.pk}/", {"action": "approve"}).status_code == 302
    own.refresh_from_db()
    assert (own.address, own.legal_representative) == ("测试路100号", "张三")


def test_rows_of_trainings_and_investments_go_through_review(world, own):
    from registry.enterprises.file_models import SafetyInvestment, TrainingRecord

    kept = SafetyInvestment.objects.create(enterprise=own, year=2024, planned="100.00")
    gone = TrainingRecord.objects.create(enterprise=own, kind="all_staff", topic="旧培训",
                                         held_on="2024-05-01", hours="8.0", participants=30)
    data = file_post(own, **{
        "investment-0-actual": "95.5",
        "investment-1-year": "2025", "investment-1-planned": "120",
        "training-0-DELETE": "on",
        "training-1-kind": "manager", "training-1-topic": "安全管理人员继续教育",
        "training-1-held_on": "2025-03-02", "training-1-hours": "16",
        "training-1-participants": "4"})
    assert client_for(world.users["enterprise"]).post(
        f"/enterprises/{own.pk}/edit", data).status_code == 302
    edit = EnterpriseEdit.objects.get()
    page = client_for(world.users["county_a"]).get(f"/enterprises/reviews/{edit.pk}/")
    rows = [(c.label, c.old, c.new) for c in page.context["changes"]]
    assert rows == [
        ("安全培训记录（安全管理人员继续教育）：培训类型", "—", "安全管理人员培训"),
        ("安全培训记录（安全管理人员继续教育）：培训内容", "—", "安全管理人员继续教育"),
        ("安全培训记录（安全管理人员继续教育）：培训日期", "—", "2025-03-02"),
        ("安全培训记录（安全管理人员继续教育）：学时", "—", "16.0"),
        ("安全培训记录（安全管理人员继续教育）：参训人数", "—", "4"),
        ("安全培训记录（旧培训）", "旧培训", "删除"),
        ("安全生产投入（2024）：实际投入（万元）", "—", "95.50"),
        ("安全生产投入（2025）：年度", "—", "2025"),
        ("安全生产投入（2025）：计划投入（万元）", "—", "120.00"),
    ]
    assert TrainingRecord.objects.filter(pk=gone.pk).exists()  # nothing written yet
    client_for(world.users["county_a"]).post(f"/enterprises/reviews/{edit.pk}/",
                                             {"action": "approve"})
    assert list(TrainingRecord.objects.filter(enterprise=own).values_list("topic", "hours")) \
        == [("安全管理人员继续教育", Decimal("16.0"))]
    assert list(SafetyInvestment.objects.filter(enterprise=own).order_by("year")
                .values_list("pk", "year", "actual")) == [
        (kept.pk, 2024, Decimal("95.50")),
        (SafetyInvestment.objects.get(year=2025).pk, 2025, None)]


def test_a_year_twice_is_refused_with_the_row(world, own):
    data = file_post(own, **{"investment-0-year": "2025", "investment-0-planned": "1"})
    data.update({"investment-TOTAL_FORMS": "2", "investment-1-year": "2025",
                 "investment-1-planned": "2"})
    response = client_for(world.users["enterprise"]).post(f"/enterprises/{own.pk}/edit", data)
    assert response.status_code == 200
    formset = response.context["forms"].children["investments"]
    assert formset.non_form_errors() or any(f.errors for f in formset.forms)
    assert "年度" in response.content.decode()
    assert EnterpriseEdit.objects.count() == 0


def test_the_supervising_department_is_told_what_to_review(world, own):
    """A submission reaches the inbox of the department's members who may decide it, with
    what it changes and a link to the review; a member who may not (a grid member of the
    department) is not sent a link they cannot open. The decision goes back to the firm."""
    office = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    User.objects.filter(pk=world.users["county_a"].pk).update(organisation=office)
    User.objects.create_user("grid_a", role=Role.GRID, division=world.county_a,
                             organisation=office)
    type(own).objects.filter(pk=own.pk).update(supervising_department=office)
    client_for(world.users["enterprise"]).post(f"/enterprises/{own.pk}/edit", file_post(
        own, legal_representative="张三", scale="small", categories=["hazardous_chemicals"],
        **{"hazchem-licence_types": ["storage"], "hazchem-in_chemical_park": "on"}))
    edit = EnterpriseEdit.objects.get()
    link = f"/enterprises/reviews/{edit.pk}/"
    inbox = Notification.objects.order_by("pk").values_list("recipient__username", "title",
                                                            "body", "link")
    assert list(inbox) == [(
        "county_a", f"提交档案变更申请：{own.name} #{edit.pk}",
        "共5项变更：企业规模、法定代表人、监管类别、危险化学品企业信息：许可类型、"
        "危险化学品企业信息：位于化工园区", link)]
    reviewer = client_for(User.objects.get(username="county_a"))
    assert reviewer.get("/inbox/").content.decode().count(f'{own.name} #{edit.pk}') == 1
    reviewer.post(link, {"action": "reject", "reason": "法定代表人与营业执照不符"})
    assert list(inbox.all())[1:] == [("enterprise", f"档案变更已驳回：{own.name} #{edit.pk}",
                                "法定代表人与营业执照不符", link)]
