"""一单两库: the starter item list loaded by the data migration, the inspector library and
the target library — who may write them, and who sees them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from enforcement.library import selectors, services
from enforcement.library.models import (
    CheckItem,
    Inspector,
    PenaltyProvision,
    PenaltyRange,
    Target,
)
from geo.models import User
from registry.enterprises.models import Enterprise
from tests.enforcement.library.conftest import officer

DATA = Path(__file__).resolve().parents[3] / "enforcement/library/data/hazchem_items.json"
AQF = "《中华人民共和国安全生产法（2021年修正）》"
CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
      "十五", "十六", "十七", "十八", "十九", "二十"]


# ---- the item list --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_item_list_holds_every_item_of_the_data_file_and_loads_again_idempotently():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert CheckItem.objects.count() == len(data["items"]) == 63
    assert PenaltyProvision.objects.count() == len(data["provisions"]) == 13
    assert set(CheckItem.objects.values_list("code", flat=True)) == {
        i["code"] for i in data["items"]}
    CheckItem.objects.filter(code="WHP-ZD-01").update(title="改过")
    out = StringIO()
    call_command("load_check_items", stdout=out)
    assert out.getvalue() == "check items: 13 provisions, 63 items\n"
    assert CheckItem.objects.count() == 63 and PenaltyRange.objects.count() == 27
    assert CheckItem.objects.get(code="WHP-ZD-01").title == "主要负责人和安全生产管理人员考核"


@pytest.mark.django_db
def test_the_twenty_major_hidden_dangers_of_121_are_items_in_order():
    major = list(CheckItem.objects.filter(major_hidden_danger=True).order_by("code"))
    assert [i.source for i in major] == [f"安监总管三〔2017〕121号 第{n}项" for n in CN]
    assert major[0].title == "主要负责人和安全生产管理人员考核"
    assert major[19].content.startswith("是否按国家标准分区分类储存危险化学品")


@pytest.mark.django_db
def test_every_item_names_its_source_basis_and_a_penalty_with_ordered_tiers():
    for item in selectors.check_items():
        assert item.source and item.basis_document and item.basis_article, item.code
        assert item.penalty is not None, item.code
        tiers = list(item.penalty.ranges.all())
        assert tiers, item.code
        for tier in tiers:
            if tier.fine_min is not None and tier.fine_max is not None:
                assert tier.fine_min <= tier.fine_max
    documents = set(CheckItem.objects.values_list("basis_document", flat=True))
    for needed in ("GB 18218-2018", "GB/T 50493-2019", "GB 30871-2022", "危险化学品安全管理条例",
                   "安全生产法", "安监总管三〔2017〕121号"):
        assert any(needed in d for d in documents), needed


@pytest.mark.django_db
def test_a_failed_item_suggests_its_violation_penalty_and_discretion_tiers():
    item = CheckItem.objects.get(code="WHP-ZD-02")  # 特种作业人员未持证上岗
    (suggestion,) = selectors.violation_suggestions([item.pk])
    assert suggestion.basis == f"{AQF}第三十条"
    assert suggestion.penalty == f"{AQF}第九十七条第（七）项"
    assert suggestion.ranges == [
        {"circumstance": "责令限期改正", "kinds": ["fine"], "fine_min": 0, "fine_max": 100000,
         "person_fine_min": None, "person_fine_max": None},
        {"circumstance": "逾期未改正", "kinds": ["fine", "suspend"], "fine_min": 100000,
         "fine_max": 200000, "person_fine_min": 20000, "person_fine_max": 50000}]


@pytest.mark.django_db
def test_item_filters():
    assert selectors.check_items(major_only=True).count() == 20
    assert selectors.check_items(category="特殊作业").count() == 6
    assert [i.code for i in selectors.check_items(q="万向管道")] == ["WHP-ZD-07"]


# ---- inspectors ------------------------------------------------------------------------------
def test_a_county_supervisor_registers_an_officer_of_their_area(world, bureaus):
    person = officer("张执法", bureaus["a"])
    row = services.inspector_register(user=world.users["county_a"], person=person,
                                      certificate_number=" 32010100001 ",
                                      specialties=["hazardous_chemicals"])
    assert (row.division_code, row.certificate_number) == ("320101000000", "32010100001")
    assert selectors.inspector_of(person) == row
    with pytest.raises(ValidationError):  # one certificate, one person
        services.inspector_register(user=world.users["county_a"],
                                    person=officer("李执法", bureaus["a"]),
                                    certificate_number="32010100001")


def test_no_one_registers_an_inspector_outside_their_area_or_a_non_government_user(
        world, bureaus):
    person_b = officer("乙县执法", bureaus["b"])
    with pytest.raises(PermissionDenied):
        services.inspector_register(user=world.users["county_a"], person=person_b,
                                    certificate_number="X1")
    with pytest.raises(PermissionDenied):  # analysts read only
        services.inspector_register(user=world.users["analyst"], person=person_b,
                                    certificate_number="X1")
    with pytest.raises(ValidationError):
        services.inspector_register(user=world.users["province"],
                                    person=world.users["enterprise"], certificate_number="X2")
    assert services.inspector_register(user=world.users["province"], person=person_b,
                                       certificate_number="X3").division_code == "320102000000"


def test_an_inspector_out_of_post_is_not_drawn(world, bureaus):
    row = services.inspector_register(user=world.users["county_a"],
                                      person=officer("张执法", bureaus["a"]),
                                      certificate_number="A1")
    scope_a = _scope(world.users["county_a"])
    assert list(selectors.inspectors_active(scope=scope_a)) == [row]
    services.inspector_set_active(user=world.users["county_a"], inspector=row, active=False)
    assert list(selectors.inspectors_active(scope=scope_a)) == []
    with pytest.raises(PermissionDenied):
        services.inspector_set_active(user=world.users["county_b"], inspector=row, active=True)


# ---- targets ---------------------------------------------------------------------------------
def test_sync_takes_the_areas_enterprises_key_by_rule(world):
    counts = services.targets_sync(user=world.users["county_a"])
    assert counts == {"added": 5, "changed": 0, "left": 0}
    rows = {t.enterprise.name: t.category for t in Target.objects.select_related("enterprise")}
    # risk levels 2, 3, 4, 1, 2 (the world): major hazard / red / orange are key
    assert rows == {"测试化工1号有限公司": "key", "测试化工2号有限公司": "general",
                    "测试化工3号有限公司": "general", "测试化工4号有限公司": "key",
                    "测试化工5号有限公司": "key"}
    assert services.targets_sync(user=world.users["county_a"]) == {
        "added": 0, "changed": 0, "left": 0}


def test_a_fixed_category_survives_a_sync_and_a_cancelled_enterprise_leaves(world):
    services.targets_sync(user=world.users["county_a"])
    two = Target.objects.get(enterprise=world.enterprises_a[1])
    services.target_classify(user=world.users["county_a"], target=two, category="key",
                             reason="群众举报较多")
    Enterprise.objects.filter(pk=world.enterprises_a[2].pk).update(status="cancelled")
    Enterprise.objects.filter(pk=world.enterprises_a[3].pk).update(risk_level=4,
                                                                   has_major_hazard=False)
    assert services.targets_sync(user=world.users["county_a"]) == {
        "added": 0, "changed": 1, "left": 1}
    two.refresh_from_db()
    assert (two.category, two.reason, two.fixed) == ("key", "群众举报较多", True)
    assert Target.objects.get(enterprise=world.enterprises_a[2]).active is False
    assert Target.objects.get(enterprise=world.enterprises_a[3]).category == "general"
    with pytest.raises(PermissionDenied):
        services.target_classify(user=world.users["county_b"], target=two, category="general",
                                 reason="x")


def test_targets_in_scope_and_by_filter(world):
    services.targets_sync(user=world.users["province"])
    assert Target.objects.count() == 8
    scope_b = _scope(world.users["county_b"])
    assert {t.division_code[:6] for t in selectors.targets_scoped(scope=scope_b)} == {"320102"}
    key_a = selectors.targets_matching(scope=_scope(world.users["province"]),
                                       where=selectors.TargetFilter(prefix="320101",
                                                                    category="key"))
    assert key_a.count() == 3
    assert selectors.target_counts(scope=scope_b) == {"key": 2, "general": 1}


# ---- pages ------------------------------------------------------------------------------------
def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scope(user):
    from geo.scope import scope_for_user

    return scope_for_user(user)


def test_item_pages_are_for_government_readers(world):
    page = _client(world.users["county_a"]).get("/enforcement/library/items/?major=1")
    assert page.status_code == 200
    assert page.content.decode().count('class="item-row"') == 20
    item = CheckItem.objects.get(code="WHP-GD-04")
    detail = _client(world.users["analyst"]).get(f"/enforcement/library/items/{item.pk}/")
    assert "GB/T 50493-2019" in detail.content.decode()
    assert "25%LEL" in detail.content.decode()
    assert _client(world.users["enterprise"]).get(
        "/enforcement/library/items/").status_code == 403
    assert Client().get("/enforcement/library/items/").status_code == 302


def test_library_pages_show_only_the_callers_area(world, bureaus):
    services.targets_sync(user=world.users["province"])
    services.inspector_register(user=world.users["province"],
                                person=officer("甲县一", bureaus["a"]), certificate_number="A1")
    services.inspector_register(user=world.users["province"],
                                person=officer("乙县一", bureaus["b"]), certificate_number="B1")
    client = _client(world.users["county_b"])
    targets = client.get("/enforcement/library/targets/").content.decode()
    assert targets.count('class="target-row"') == 3
    assert "测试化工1号有限公司" not in targets
    inspectors = client.get("/enforcement/library/inspectors/").content.decode()
    assert "B1" in inspectors and "A1" not in inspectors
    other = Target.objects.get(enterprise=world.enterprises_a[0])
    refused = client.post(f"/enforcement/library/targets/{other.pk}/classify/",
                          {"category": "general", "reason": "x"})
    assert refused.status_code == 404


def test_a_supervisor_registers_and_syncs_through_the_pages(world, bureaus):
    person = officer("张执法", bureaus["a"])
    client = _client(world.users["county_a"])
    done = client.post("/enforcement/library/inspectors/", {
        "user": person.pk, "certificate_number": "32010100009",
        "specialties": ["hazardous_chemicals"]})
    assert done.status_code == 302
    assert Inspector.objects.get(user=person).specialties == ["hazardous_chemicals"]
    foreign = officer("乙县执法", bureaus["b"])  # not offered, not accepted
    assert client.post("/enforcement/library/inspectors/", {
        "user": foreign.pk, "certificate_number": "B9"}).status_code == 400
    synced = client.post("/enforcement/library/targets/")
    assert "新增 5" in synced.content.decode()
    assert _client(world.users["analyst"]).post(
        "/enforcement/library/targets/").status_code == 403
