"""The one-enterprise file's write faces: the edit page (direct for supervisors,
proposed for enterprise users), location check and audit, registration, cancellation
(核销) and restore (恢复), and the scope on every one of them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from geo.models import AuditEntry, Organisation
from registry.enterprises.file_models import EnterpriseStatus, HazchemProfile, SafetyManager
from registry.enterprises.models import Enterprise, EnterpriseEdit
from tests.registry.enterprises.enterprise_forms import file_post


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _audits(enterprise) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model="registry.enterprise",
                                          object_pk=str(enterprise.pk), action="update"))


def _errors(response) -> dict:
    forms = response.context["forms"]
    return {"main": forms.main.errors, **{k: f.errors for k, f in forms.profiles.items()},
            **{k: f.errors for k, f in forms.children.items()}}


@pytest.fixture
def own(world):
    return world.enterprises_a[0]  # the enterprise user's own enterprise (county A)


# ---- scope -------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(world, own):
    for url in (f"/enterprises/{own.pk}/edit", f"/enterprises/{own.pk}/cancel",
                "/enterprises/new", "/enterprises/reviews/", "/enterprises/reviews/1/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in (f"/enterprises/{own.pk}/edit", f"/enterprises/{own.pk}/restore",
                "/enterprises/reviews/1/"):
        response = Client().post(url, {"action": "approve"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_edit_page_scope(world, own):
    other_a, in_b = world.enterprises_a[1], world.enterprises_b[0]
    assert client_for(world.users["county_a"]).get(f"/enterprises/{own.pk}/edit") \
        .status_code == 200
    assert client_for(world.users["county_b"]).get(f"/enterprises/{own.pk}/edit") \
        .status_code == 404
    assert client_for(world.users["county_a"]).get(f"/enterprises/{in_b.pk}/edit") \
        .status_code == 404
    enterprise = client_for(world.users["enterprise"])
    assert enterprise.get(f"/enterprises/{own.pk}/edit").status_code == 200
    assert enterprise.get(f"/enterprises/{other_a.pk}/edit").status_code == 404
    # an analyst sees county A but supervises nothing
    assert client_for(world.users["analyst"]).get(f"/enterprises/{own.pk}/edit") \
        .status_code == 403


def test_county_b_cannot_post_to_county_a(world, own):
    before = own.legal_representative
    response = client_for(world.users["county_b"]).post(
        f"/enterprises/{own.pk}/edit", file_post(own, legal_representative="王五"))
    assert response.status_code == 404
    response = client_for(world.users["enterprise"]).post(
        f"/enterprises/{world.enterprises_a[1].pk}/edit",
        file_post(world.enterprises_a[1], legal_representative="王五"))
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.legal_representative == before
    assert EnterpriseEdit.objects.count() == 0


# ---- direct edits by the supervisor ------------------------------------------------
def test_supervisor_edits_directly_with_profile_and_manager(world, own):
    data = file_post(own, legal_representative="张三", legal_representative_phone="025-1234567",
                     scale="small", categories=["hazardous_chemicals"],
                     **{"hazchem-licence_types": ["production", "storage"],
                        "hazchem-key_processes": ["chlorination"],
                        "hazchem-key_chemicals": "氯气,液氨", "hazchem-in_chemical_park": "on",
                        "manager-0-name": "李四", "manager-0-post": "安全科长",
                        "manager-0-phone": "13800000000", "manager-0-full_time": "on"})
    response = client_for(world.users["county_a"]).post(f"/enterprises/{own.pk}/edit", data)
    assert response.status_code == 302, _errors(response)
    own.refresh_from_db()
    assert (own.legal_representative, own.scale, own.categories) == \
        ("张三", "small", ["hazardous_chemicals"])
    profile = HazchemProfile.objects.get(enterprise=own)
    assert (profile.licence_types, profile.key_processes, profile.key_chemicals,
            profile.in_chemical_park) == (["production", "storage"], ["chlorination"],
                                          ["氯气", "液氨"], True)
    assert list(SafetyManager.objects.filter(enterprise=own).values_list("name", "phone")) == \
        [("李四", "13800000000")]
    entry = _audits(own)[0]
    assert entry.user_id == world.users["county_a"].pk
    assert entry.changes["legal_representative"] == ["", "张三"]
    assert EnterpriseEdit.objects.count() == 0  # no review for the supervisor


def test_profile_of_a_ticked_category_is_checked(world, own):
    data = file_post(own, categories=["ammonia_refrigeration"])
    response = client_for(world.users["county_a"]).post(f"/enterprises/{own.pk}/edit", data)
    assert response.status_code == 200
    form = response.context["forms"].profiles["ammonia"]
    assert "ammonia_tonnes" in form.errors
    own.refresh_from_db()
    assert own.categories == []


def test_bad_field_is_named(world, own):
    response = client_for(world.users["county_a"]).post(
        f"/enterprises/{own.pk}/edit", file_post(own, industry="X99", safety_officer_phone="abc"))
    assert response.status_code == 200
    errors = response.context["forms"].main.errors
    assert set(errors) == {"industry", "safety_officer_phone"}
    assert "行业代码应符合GB/T 4754" in errors["industry"][0]


# ---- location ----------------------------------------------------------------------
def test_point_outside_the_division_is_refused(world, own):
    old = own.geom.wkt
    response = client_for(world.users["county_a"]).post(
        f"/enterprises/{own.pk}/edit", file_post(own, lon="118.700000", lat="32.200000"))
    assert response.status_code == 200
    error = response.context["forms"].main.errors["lon"][0]
    assert "118.700000" in error and "甲县" in error
    assert "不在企业所属区划" in response.content.decode()
    own.refresh_from_db()
    assert own.geom.wkt == old


def test_moving_the_point_is_audited_with_old_and_new(world, own):
    old = own.geom
    response = client_for(world.users["county_a"]).post(
        f"/enterprises/{own.pk}/edit", file_post(own, lon="118.300000", lat="32.400000"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert (round(own.geom.x, 6), round(own.geom.y, 6)) == (118.3, 32.4)
    entry = _audits(own)[0]
    before, after = entry.changes["geom"]
    assert before == old.wkt
    assert after == own.geom.wkt
    assert set(entry.changes) == {"geom", "updated"}


def test_changing_the_division_moves_owned_rows_and_department(world, own):
    from registry.licences.models import Licence
    from registry.licences.services import licence_create

    dept_b = Organisation.objects.create(name="乙县应急管理局", kind="government",
                                         division=world.county_b)
    licence = licence_create(enterprise=own, kind="other", number="L-1", issuer="x",
                             valid_from=datetime.date(2024, 1, 1),
                             valid_to=datetime.date(2027, 1, 1))
    response = client_for(world.users["province"]).post(f"/enterprises/{own.pk}/edit", file_post(
            own, division_code="320102001001", lon="118.600000", lat="32.200000"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.supervising_department_id == dept_b.pk
    assert Licence.objects.get(pk=licence.pk).division_code == "320102001001"


# ---- registration, cancellation, restore -------------------------------------------
def test_register_in_scope_assigns_the_department(world):
    dept = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                       division=world.county_a)
    from geo.credit_code import make_credit_code

    data = {"name": "新登记化工有限公司", "credit_code": make_credit_code("91320101MA1X00001"),
            "industry": "C2614", "division_code": "320101002003", "address": "甲县新路1号",
            "employees": "12", "lon": "118.200000", "lat": "32.300000"}
    county_a = client_for(world.users["county_a"])
    response = county_a.post("/enterprises/new", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Enterprise.objects.get(name="新登记化工有限公司")
    assert created.supervising_department_id == dept.pk
    assert created.status == EnterpriseStatus.REGISTERED
    assert AuditEntry.objects.get(model="registry.enterprise", object_pk=str(created.pk),
                                  action="create").user_id == world.users["county_a"].pk
    # county A cannot register in county B; the enterprise user cannot register at all
    data.update(name="越界公司", credit_code=make_credit_code("91320101MA1X00002"),
                division_code="320102001001", lon="118.7")
    response = county_a.post("/enterprises/new", data)
    assert response.status_code == 200
    assert "division_code" in response.context["form"].errors
    assert client_for(world.users["enterprise"]).post("/enterprises/new", data) \
        .status_code == 403
    assert not Enterprise.objects.filter(name="越界公司").exists()


def test_cancel_and_restore(world, own):
    county_a = client_for(world.users["county_a"])
    response = county_a.post(f"/enterprises/{own.pk}/cancel", {"on": "2026-01-15"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = county_a.post(f"/enterprises/{own.pk}/cancel",
                             {"on": "2026-01-15", "reason": "企业注销"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.cancelled_on, own.cancel_reason) == \
        ("cancelled", datetime.date(2026, 1, 15), "企业注销")
    entry = _audits(own)[0]
    assert entry.user_id == world.users["county_a"].pk
    assert entry.changes["status"] == ["registered", "cancelled"]
    # cancelled files stay readable but cannot be edited until restored
    page = county_a.get(f"/enterprises/{own.pk}/edit")
    assert "已核销" in page.content.decode()
    response = client_for(world.users["enterprise"]).post(
        f"/enterprises/{own.pk}/edit", file_post(own, legal_representative="赵六"))
    assert "企业已核销" in response.content.decode()
    assert county_a.post(f"/enterprises/{own.pk}/restore").status_code == 302
    own.refresh_from_db()
    assert (own.status, own.cancelled_on, own.cancel_reason) == ("registered", None, "")
    assert _audits(own)[0].changes["status"] == ["cancelled", "registered"]


def test_cancel_and_restore_scope(world, own):
    assert client_for(world.users["county_b"]).post(
        f"/enterprises/{own.pk}/cancel", {"on": "2026-01-15", "reason": "x"}).status_code == 404
    assert client_for(world.users["enterprise"]).post(
        f"/enterprises/{own.pk}/cancel", {"on": "2026-01-15", "reason": "x"}).status_code == 403
    assert client_for(world.users["county_b"]).post(
        f"/enterprises/{own.pk}/restore").status_code == 404
    assert client_for(world.users["enterprise"]).post(
        f"/enterprises/{own.pk}/restore").status_code == 403
    own.refresh_from_db()
    assert own.status == "registered"


def test_demo_files_follow_the_industry_and_are_idempotent(world):
    from data.demo_files import demo_files_ensure
    from registry.enterprises.file_models import (
        IndustryTradeProfile,
        SafetyInvestment,
        TrainingRecord,
    )

    bureau = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                         division=world.county_a)
    machinery = world.enterprises_b[0]
    Enterprise.objects.filter(pk=machinery.pk).update(industry="C3311")
    # "320101001" plays the park: full files there, categories and profiles everywhere
    assert demo_files_ensure("320101001000") == 8
    chem = Enterprise.objects.get(pk=world.enterprises_a[0].pk)
    assert chem.categories == ["hazardous_chemicals"] and chem.legal_representative
    assert HazchemProfile.objects.count() == 7
    assert IndustryTradeProfile.objects.get().sector == "machinery"
    assert Enterprise.objects.get(pk=machinery.pk).categories == ["industry_trade"]
    assert (SafetyManager.objects.count(), TrainingRecord.objects.count(),
            SafetyInvestment.objects.count()) == (10, 15, 15)
    assert set(Enterprise.objects.filter(division_code__startswith="320101").values_list(
        "supervising_department_id", flat=True)) == {bureau.pk}
    assert demo_files_ensure("320101001000") == 0
    assert (HazchemProfile.objects.count(), SafetyManager.objects.count()) == (7, 10)


def test_row_forms_label_only_what_a_user_fills_in(world, own):
    """The row sets' hidden inputs (the row's id and its enterprise) are sent once each and
    carry no label: the page used to show stray "Id" / "企业" labels in every row."""
    SafetyManager.objects.create(enterprise=own, name="李四", post="安全科长",
                                 phone="13800000000", certificate="AQ1",
                                 certificate_valid_to=datetime.date(2027, 1, 1))
    html = client_for(world.users["enterprise"]).get(f"/enterprises/{own.pk}/edit") \
        .content.decode()
    labels = re.findall(r'<label for="id_manager-0-(\w+)">([^<]*)</label>', html)
    assert labels == [("name", "姓名"), ("post", "职务"), ("phone", "联系电话"),
                      ("certificate", "安全管理资格证号"),
                      ("certificate_valid_to", "证书有效期至"), ("full_time", "专职")]
    assert re.findall(r'name="manager-0-(id|enterprise)"', html) == ["id", "enterprise"]
    assert re.findall(r"<label[^>]*>\s*(Id|ID|企业)\s*</label>", html) == []
