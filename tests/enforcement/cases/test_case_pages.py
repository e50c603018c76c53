"""The case pages: the list and one case in the caller's scope only, steps and edits
posted through the services, a case registered from an enterprise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.cases.models import Case


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def test_another_county_neither_sees_nor_acts_on_a_case(world, offices, case, as_user):
    other = as_user(offices["b"].head)
    assert case.party_name not in other.get(reverse("cases:list")).content.decode()
    assert other.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert other.post(reverse("cases:step", args=[case.pk]),
                      {"action": "file"}).status_code == 404
    assert other.post(reverse("cases:edit", args=[case.pk]), {"facts": "x"}).status_code == 404
    assert as_user(world.users["enterprise"]).get(
        reverse("cases:detail", args=[case.pk])).status_code == 404
    assert Case.objects.get(pk=case.pk).state == "proposed"


def test_the_list_and_a_case_in_scope(world, offices, case, as_user):
    page = as_user(world.users["province"]).get(reverse("cases:list")).content.decode()
    assert case.party_name in page and "待立案审批" in page
    page = as_user(offices["a"].head).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="file"' in body and 'id="transfer"' in body  # the head's steps
    body = as_user(offices["a"].handler).get(
        reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'value="file"' not in body and 'id="case-edit"' in body


def test_steps_and_edits_go_through_the_services(offices, violation, case, as_user):
    a = offices["a"]
    head = as_user(a.head)
    response = head.post(reverse("cases:step", args=[case.pk]), {"action": "file"})
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).state == "investigating"
    handler = as_user(a.handler)
    handler.post(reverse("cases:edit", args=[case.pk]), {
        "facts": "无证作业", "evidence": "现场检查记录\n询问笔录\n", "violation": violation.pk,
        "circumstance": "general", "penalties": ["fine"], "fine": "9999"})
    case.refresh_from_db()
    assert (case.evidence, case.fine, case.legal_basis) == (
        ["现场检查记录", "询问笔录"], 9999, violation.legal_basis)
    response = handler.post(reverse("cases:step", args=[case.pk]),
                            {"action": "submit_review"}, follow=True)
    assert "罚款金额（元）：罚款金额9999元不在裁量幅度10000元至50000元之内" in \
        response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "investigating"
    response = handler.post(reverse("cases:step", args=[case.pk]), {"action": "close"},
                            follow=True)
    assert "只有承办机关负责人可以审批此环节" in response.content.decode()


def test_a_case_is_registered_from_an_enterprise(world, offices, as_user):
    a, enterprise = offices["a"], world.enterprises_a[1]
    client = as_user(a.handler)
    url = reverse("cases:new") + f"?enterprise={enterprise.pk}"
    assert enterprise.name in client.get(url).content.decode()
    response = client.post(url, {"cause": "未按规定配备安全管理人员",
                                 "members": [a.second.pk, offices["b"].handler.pk]})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail",
                                                                   args=[case.pk])
    assert sorted(case.members.values_list("user__username", flat=True)) == [
        "a_handler", "a_second"]  # another agency's officer is not offered
    hidden = reverse("cases:new") + f"?enterprise={world.enterprises_b[0].pk}"
    assert client.post(hidden, {"cause": "x"}).status_code == 404
    assert as_user(world.users["enterprise"]).get(url).status_code == 403


def test_the_workbench_lists_the_cases_waiting_for_the_user(offices, violation, case,
                                                            as_user):
    from enforcement.cases.selectors import cases_awaiting

    a, b = offices["a"], offices["b"]
    assert [c.pk for c in cases_awaiting(user=a.head)] == [case.pk]  # to approve the filing
    assert cases_awaiting(user=a.handler) == [] and cases_awaiting(user=b.head) == []
    from tests.enforcement.cases.test_case_flow import walk

    walk(case, a, violation, "reviewing")
    assert [c.pk for c in cases_awaiting(user=a.legal)] == [case.pk]
    assert cases_awaiting(user=a.head) == [] and cases_awaiting(user=a.handler) == []
    body = as_user(a.legal).get("/").content.decode()
    assert "待办案件" in body and reverse("cases:detail", args=[case.pk]) in body


def test_the_enterprise_file_shows_its_cases_in_scope(world, offices, case, as_user):
    url = reverse("enterprise_detail", args=[world.enterprises_a[0].pk])
    body = as_user(offices["a"].head).get(url).content.decode()
    assert 'id="cases"' in body and case.cause in body
    body = as_user(world.users["county_a"]).get(url).content.decode()  # no agency
    assert case.cause in body and "登记案件" not in body


def test_the_head_staffs_the_case_and_brings_in_a_joint_agency(world, offices, case,
                                                                 as_user):
    from geo.models import Organisation, User

    a = offices["a"]
    market = Organisation.objects.create(name="甲县市场监督管理局", kind="government",
                                         division=world.county_a)
    User.objects.create_user("m1", role="county_supervisor", division=world.county_a,
                             organisation=market)
    head = as_user(a.head)
    assert 'id="staff"' in head.get(reverse("cases:detail", args=[case.pk])).content.decode()
    head.post(reverse("cases:staff", args=[case.pk]), {"members": [a.clerk.pk]})
    head.post(reverse("cases:staff", args=[case.pk]), {"agency": market.pk,
                                                       "usernames": "m1，nobody"})
    assert sorted(case.members.values_list("user__username", flat=True)) == [
        "a_clerk", "a_handler", "a_second", "m1"]
    assert list(case.agencies.values_list("organisation__name", flat=True)) == [
        "甲县市场监督管理局"]
    response = as_user(a.handler).post(reverse("cases:staff", args=[case.pk]),
                                       {"members": [a.legal.pk]}, follow=True)
    assert "只有承办机关负责人可以指派执法人员" in response.content.decode()


def test_the_list_filters_by_state_and_words(world, offices, case, as_user):
    client = as_user(offices["a"].head)
    for query, shown in (("?state=proposed", True), ("?state=closed", False),
                         ("?q=无证", True), ("?q=测试化工1号", True), ("?q=爆炸", False)):
        body = client.get(reverse("cases:list") + query).content.decode()
        assert (reverse("cases:detail", args=[case.pk]) in body) is shown, query
