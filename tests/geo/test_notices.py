"""Notices (通知公告, geo.notices): a department writes, a supervisor over the area outside
it publishes (geo.workflow), readers inside the addressed areas and roles receive it, and
each reader's first opening leaves one receipt. A county's notice never reaches another
county, through any face (list, detail, home, the unread queue)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from geo.notices import selectors, services
from geo.notices.models import Notice, NoticeReceipt
from geo.notices.review import REVIEW
from geo.queues import header_counts


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def unread_count(user) -> int:
    counts = {q.queue.key: q.count for q in header_counts(user).mine}
    return counts.get("notices_unread", 0)


@pytest.fixture
def published(world, departments) -> Notice:
    """County A's notice to its own area, published by the province."""
    notice = services.notice_save(user=world.users["county_a"], title="甲县汛期安全检查通知",
                                  body="请各企业开展自查。", areas=[], roles=[], public=False)
    REVIEW.submit(notice, user=world.users["county_a"])
    return REVIEW.accept(notice, user=world.users["province"])


def test_a_draft_is_addressed_to_the_writers_area_by_default(world, departments):
    notice = services.notice_save(user=world.users["county_a"], title="草稿", body="正文",
                                  areas=[], roles=[], public=False)
    assert (notice.areas, notice.division_code, notice.organisation_id, notice.state) == (
        ["320101"], "320101000000", departments["county_a"].pk, "draft")


def test_writing_outside_the_jurisdiction_and_without_a_department_is_refused(world,
                                                                              departments):
    with pytest.raises(ValidationError) as caught:
        services.notice_save(user=world.users["county_a"], title="越界", body="x",
                             areas=["320102"], roles=[], public=False)
    assert list(caught.value.message_dict) == ["areas"]
    for name in ("enterprise", "analyst"):
        with pytest.raises(PermissionDenied):
            services.notice_save(user=world.users[name], title="x", body="x", areas=[],
                                 roles=[], public=False)
    assert client(world.users["enterprise"]).get("/notices/new").status_code == 404
    response = client(world.users["county_a"]).post(
        "/notices/new", {"title": "越界", "body": "x", "areas": ["320102"]})
    assert response.status_code == 400 and Notice.objects.count() == 0


def test_only_a_supervisor_over_the_area_outside_the_department_publishes(world, departments):
    notice = services.notice_save(user=world.users["county_a"], title="待审", body="x",
                                  areas=[], roles=[], public=False)
    REVIEW.submit(notice, user=world.users["county_a"])
    for name in ("county_a", "county_b", "analyst", "enterprise"):  # owner, elsewhere, readers
        assert not REVIEW.may("accept", world.users[name], notice)
        with pytest.raises(PermissionDenied):
            REVIEW.accept(notice, user=world.users[name])
    assert list(selectors.notices_to_review(user=world.users["province"])) == [notice]
    assert selectors.notices_to_review(user=world.users["county_b"]).count() == 0
    with pytest.raises(ValidationError):
        REVIEW.send_back(notice, user=world.users["province"], reason="")
    REVIEW.send_back(notice, user=world.users["province"], reason="请补充检查时间")
    notice.refresh_from_db()
    assert (notice.state, notice.return_reason) == ("returned", "请补充检查时间")


def test_the_publish_button_works_through_the_pages(world, departments):
    county = client(world.users["county_a"])
    response = county.post("/notices/new", {"title": "网页撰写", "body": "正文"})
    notice = Notice.objects.get()
    assert response.url == f"/notices/{notice.pk}/"
    county.post(f"/notices/{notice.pk}/submit")
    assert 'id="notice-publish"' not in county.get(f"/notices/{notice.pk}/").content.decode()
    province = client(world.users["province"])
    assert 'id="notice-publish"' in province.get(f"/notices/{notice.pk}/").content.decode()
    assert 'id="queue-notices_review"' in province.get("/").content.decode()
    province.post(f"/notices/{notice.pk}/publish")
    notice.refresh_from_db()
    assert notice.state == "published" and notice.published_at is not None


def test_a_countys_notice_is_not_seen_by_another_county(world, published):
    a_reader, b_reader = world.users["enterprise"], world.users["county_b"]
    assert list(selectors.notices_published(user=a_reader)) == [published]
    assert list(selectors.notices_published(user=b_reader)) == []
    assert unread_count(a_reader) == 1 and unread_count(b_reader) == 0
    assert client(b_reader).get(f"/notices/{published.pk}/").status_code == 404
    for path in ("/notices/", "/notices/?show=unread", "/"):
        assert published.title not in client(b_reader).get(path).content.decode()
        assert published.title in client(a_reader).get(path).content.decode()
    assert published.title not in client().get("/notices/").content.decode()  # not public
    # the province oversees its counties' notices (geo.scope) without being addressed
    assert list(selectors.notices_published(user=world.users["province"])) == [published]
    assert unread_count(world.users["province"]) == 0


def test_roles_narrow_the_addressees(world, departments):
    notice = services.notice_save(user=world.users["province"], title="致企业", body="x",
                                  areas=[], roles=["enterprise"], public=False)
    REVIEW.submit(notice, user=world.users["province"])
    REVIEW.accept(notice, user=world.users["admin"])  # the province's decider: the admin
    assert unread_count(world.users["enterprise"]) == 1
    assert unread_count(world.users["county_b"]) == 0 and unread_count(world.users["analyst"]) == 0


def test_a_public_notice_shows_to_visitors(world, departments):
    notice = services.notice_save(user=world.users["county_b"], title="乙县公开公告", body="x",
                                  areas=[], roles=[], public=True)
    REVIEW.submit(notice, user=world.users["county_b"])
    assert "乙县公开公告" not in client().get("/").content.decode()  # not before publishing
    REVIEW.accept(notice, user=world.users["province"])
    assert "乙县公开公告" in client().get("/").content.decode()
    assert client().get(f"/notices/{notice.pk}/").status_code == 200
    assert NoticeReceipt.objects.count() == 0  # visitors leave no receipt


def test_a_receipt_is_recorded_once_and_counted_for_the_author(world, published):
    reader = client(world.users["enterprise"])
    for _ in range(3):
        assert reader.get(f"/notices/{published.pk}/").status_code == 200
    assert list(NoticeReceipt.objects.values_list("user__username", flat=True)) == ["enterprise"]
    assert unread_count(world.users["enterprise"]) == 0
    assert services.notice_read(notice=published, user=world.users["enterprise"]) is False
    # the author's page: one reader of the two addressees in county A (county_a, enterprise);
    # opening it made the author the second reader
    page = client(world.users["county_a"]).get(f"/notices/{published.pk}/").content.decode()
    assert "已读 2 人 / 应读 2 人" in page and 'id="notice-receipts"' in page
    assert 'id="notice-receipts"' not in reader.get(f"/notices/{published.pk}/").content.decode()


def test_unread_marks_only_what_is_addressed_to_the_reader(world, published):
    def marks(name):
        return [n.unread for n in selectors.notices_published(user=world.users[name])]
    assert marks("enterprise") == [True] and marks("province") == [False]
    assert marks("analyst") == [False]  # oversees county A, is not addressed
