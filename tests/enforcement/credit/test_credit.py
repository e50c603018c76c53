"""Credit: the blacklist on its flow (who proposes, decides, publishes, removes), the public
joint punishment list, expiry, and the accident investigation's milestones and closing;
scope through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.credit import services
from enforcement.credit.flow import LISTING
from enforcement.credit.models import Investigation, Listing


@pytest.fixture
def listing(world, offices) -> Listing:
    a = offices["a"]
    return services.listing_propose(user=a.handler, agency=a.agency, joint=True,
                                    enterprise=world.enterprises_a[0],
                                    reason="发生较大生产安全事故，对事故负有责任")


def test_an_officer_proposes_and_the_head_decides_publishes_removes(settings, offices,
                                                                    listing):
    a, b = offices["a"], offices["b"]
    settings.CREDIT_LISTING_DAYS = 365
    people = {"head": a.head, "legal": a.legal, "handler": a.handler, "b_head": b.head}
    assert [n for n, u in people.items() if LISTING.may("decide", u, listing)] == ["head"]
    with pytest.raises(PermissionDenied):
        services.listing_advance(listing=listing, user=a.handler, action="decide",
                                 reason="x")
    with pytest.raises(ValidationError) as caught:
        services.listing_advance(listing=listing, user=a.head, action="publish")
    assert list(caught.value.message_dict) == ["state"]
    listing = services.listing_advance(listing=listing, user=a.head, action="decide",
                                       reason="甲县应急认定〔2026〕1号")
    listing = services.listing_advance(listing=listing, user=a.head, action="publish")
    assert (listing.state, listing.decision, listing.until) == (
        "published", "甲县应急认定〔2026〕1号",
        timezone.localdate(listing.published_at) + datetime.timedelta(days=365))
    with pytest.raises(ValidationError):
        services.listing_advance(listing=listing, user=a.head, action="remove", reason="")
    listing = services.listing_advance(listing=listing, user=a.head, action="remove",
                                       reason="已完成信用修复")
    assert (listing.state, listing.removal) == ("removed", "已完成信用修复")


def test_a_person_after_a_case_and_another_county_may_not_propose(world, offices, case):
    a, b = offices["a"], offices["b"]
    row = services.listing_propose(user=a.handler, agency=a.agency, reason="主要负责人未履职",
                                   case=case, person={"name": "王五", "position": "主要负责人",
                                                      "id_number": "320101198001011234"},
                                   enterprise=world.enterprises_a[0])
    assert (row.subject_kind, row.name, row.division_code, row.case_id) == (
        "person", "王五", world.enterprises_a[0].division_code, case.pk)
    by_case = services.listing_propose(user=a.handler, agency=a.agency, reason="x", case=case)
    assert (by_case.subject_kind, by_case.enterprise_id) == (
        "enterprise", world.enterprises_a[0].pk)
    with pytest.raises(PermissionDenied):
        services.listing_propose(user=b.handler, agency=b.agency, reason="x",
                                 enterprise=world.enterprises_a[0])


def test_the_public_list_shows_published_joint_entries_masked(client, world, offices,
                                                              listing):
    a = offices["a"]
    person = services.listing_propose(user=a.handler, agency=a.agency, joint=True,
                                      reason="y", enterprise=world.enterprises_a[0],
                                      person={"name": "赵六",
                                              "id_number": "320101198001011234"})
    hidden = services.listing_propose(user=a.handler, agency=a.agency, joint=False,
                                      reason="z", enterprise=world.enterprises_a[1])
    for row in (listing, person, hidden):
        row = services.listing_advance(listing=row, user=a.head, action="decide", reason="d")
        services.listing_advance(listing=row, user=a.head, action="publish")
    body = client.get(reverse("credit:joint")).content.decode()  # no login
    assert listing.name in body and "赵六" in body and "320101********1234" in body
    assert world.enterprises_a[1].name not in body and "320101198001011234" not in body


def test_expired_entries_leave_the_list(offices, listing):
    a = offices["a"]
    listing = services.listing_advance(listing=listing, user=a.head, action="decide",
                                       reason="d")
    listing = services.listing_advance(listing=listing, user=a.head, action="publish")
    assert services.listings_expire(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(days=3 * 365 + 1)
    assert services.listings_expire(now=later) == 1
    assert Listing.objects.get(pk=listing.pk).state == "removed"


def test_another_county_cannot_reach_an_entry_through_the_pages(client, offices, listing):
    client.force_login(offices["b"].head)
    assert listing.name not in client.get(reverse("credit:list")).content.decode()
    assert client.get(reverse("credit:detail", args=[listing.pk])).status_code == 404
    assert client.post(reverse("credit:step", args=[listing.pk]),
                       {"action": "decide", "reason": "x"}).status_code == 404
    client.force_login(offices["a"].head)
    assert client.post(reverse("credit:step", args=[listing.pk]),
                       {"action": "decide", "reason": "x"}).status_code == 302
    assert Listing.objects.get(pk=listing.pk).state == "decided"


@pytest.fixture
def investigation(world, offices) -> Investigation:
    a, today = offices["a"], timezone.localdate()
    return services.investigation_open(
        user=a.head, agency=a.agency, name="某化工企业中毒事故", level="general",
        occurred_at=timezone.now(), due=today + datetime.timedelta(days=60),
        enterprise=world.enterprises_a[0],
        team=[{"name": "张组长", "unit": "甲县应急管理局", "duty": "组长"}],
        milestones=[("现场勘查", today), ("调查报告", today + datetime.timedelta(days=30))])


def test_an_investigation_closes_when_its_milestones_are_done(offices, investigation):
    a, b = offices["a"], offices["b"]
    with pytest.raises(PermissionDenied):
        services.investigation_open(user=a.handler, agency=a.agency, name="x",
                                    level="general", occurred_at=timezone.now(),
                                    due=timezone.localdate(), division_code="320101001001")
    with pytest.raises(ValidationError) as caught:
        services.investigation_advance(investigation=investigation, user=a.head,
                                       action="close", reason="结论")
    assert caught.value.message_dict == {"milestones": ["尚有未完成的调查节点：现场勘查、调查报告"]}
    first, second = investigation.milestones.all()
    with pytest.raises(PermissionDenied):
        services.milestone_done(milestone=first, user=b.handler)
    for m in (first, second):
        services.milestone_done(milestone=m, user=a.handler, note="完成")
    with pytest.raises(PermissionDenied):
        services.investigation_advance(investigation=investigation, user=a.handler,
                                       action="close", reason="结论")
    row = services.investigation_advance(investigation=investigation, user=a.head,
                                         action="close", reason="责任事故")
    row = services.investigation_advance(investigation=row, user=a.head, action="archive",
                                         reason="DA-2026-001")
    assert (row.state, row.report, row.archive_number) == ("archived", "责任事故",
                                                           "DA-2026-001")
    with pytest.raises(ValidationError):
        services.milestone_done(milestone=first, user=a.handler)


def test_the_investigation_pages_in_scope(client, offices, investigation):
    a = offices["a"]
    client.force_login(offices["b"].head)
    assert client.get(reverse("credit:accident", args=[investigation.pk])).status_code == 404
    client.force_login(a.handler)
    body = client.get(reverse("credit:accident", args=[investigation.pk])).content.decode()
    assert "现场勘查" in body and "张组长" in body
    client.force_login(a.head)
    response = client.post(reverse("credit:accidents"), {
        "name": "坍塌事故", "occurred_at": "2026-11-30T10:00", "level": "larger",
        "due": "2027-01-30", "division_code": "320101001001",
        "team": "李组长,甲县应急管理局,组长\n", "milestones": "现场勘查,2026-12-05\n"})
    made = Investigation.objects.get(name="坍塌事故")
    assert response.status_code == 302 and made.team == [
        {"name": "李组长", "unit": "甲县应急管理局", "duty": "组长"}]
    assert list(made.milestones.values_list("name", "due")) == [
        ("现场勘查", datetime.date(2026, 12, 5))]


def test_an_entry_is_proposed_from_the_list_page(client, world, offices):
    a = offices["a"]
    client.force_login(a.handler)
    response = client.post(reverse("credit:list"), {
        "enterprise": world.enterprises_a[2].pk, "reason": "拒不执行处罚决定", "joint": "1"})
    row = Listing.objects.get()
    assert response.status_code == 302 and response.url == reverse("credit:detail",
                                                                   args=[row.pk])
    assert (row.name, row.joint, row.state) == (world.enterprises_a[2].name, True, "proposed")
    body = client.get(reverse("credit:list") + "?state=proposed").content.decode()
    assert row.name in body and 'id="propose"' in body
    response = client.post(reverse("credit:list"), {"reason": ""}, follow=True)
    assert "请选择失信单位或填写失信人员姓名及所在区划" in response.content.decode()
    client.force_login(world.users["enterprise"])
    assert client.post(reverse("credit:list"), {"reason": "x"}).status_code == 403
    body = client.get(reverse("credit:accidents")).content.decode()
    assert 'id="open"' not in body
