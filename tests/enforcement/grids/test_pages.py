"""The grid pages through HTTP: each role's pages in its scope, the write forms, the work
queues and the workbench shortcuts; a user of another county reaches nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from enforcement.grids import services
from enforcement.grids.models import CheckIn, EnterpriseZone, GridAssignment, GridMember, Patrol
from geo.queues import header_counts
from tests.enforcement.grids.conftest import NOW


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


def test_index_and_cell_in_scope(staffed, as_user):
    page = as_user(staffed.users["county_a"]).get(reverse("grids:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲县网格" in html and "乙县网格" not in html
    drill = as_user(staffed.users["county_a"]).get(reverse("grids:index"),
                                                   {"parent": staffed.c1.pk}).content.decode()
    assert "西片" in drill and "东片" in drill and "甲县网格</a>" not in drill
    cell = as_user(staffed.users["county_a"]).get(reverse("grids:cell", args=[staffed.c3a.pk]))
    assert "grid_a" in cell.content.decode() and 'id="member-form"' in cell.content.decode()
    other = as_user(staffed.users["county_b"])
    assert other.get(reverse("grids:cell", args=[staffed.c3a.pk])).status_code == 404
    assert other.post(reverse("grids:member_add", args=[staffed.c3a.pk]),
                      {"name": "x", "duty": "member"}).status_code == 404
    row = GridMember.objects.get(cell=staffed.c3a)
    assert other.post(reverse("grids:member_end", args=[row.pk])).status_code == 404


def test_member_forms(staffed, as_user):
    client = as_user(staffed.users["county_a"])
    client.post(reverse("grids:member_add", args=[staffed.c4a.pk]), {
        "name": "孙八", "duty": "safety_officer", "phone": "13700000000",
        "started": "2026-12-01", "username": "grid_a2"})
    row = GridMember.objects.get(cell=staffed.c4a)
    assert (row.name, row.user.username, str(row.started)) == ("孙八", "grid_a2", "2026-12-01")
    page = client.post(reverse("grids:member_add", args=[staffed.c4a.pk]),
                       {"name": "x", "duty": "member", "username": "nobody"}, follow=True)
    assert "账号不存在" in page.content.decode()
    client.post(reverse("grids:member_end", args=[row.pk]), {"ended": "2026-12-03"})
    row.refresh_from_db()
    assert str(row.ended) == "2026-12-03"
    # a grid member reads the cell but keeps no people
    grid = as_user(staffed.users["grid_a"])
    assert 'id="member-form"' not in grid.get(
        reverse("grids:cell", args=[staffed.c4a.pk])).content.decode()
    page = grid.post(reverse("grids:member_add", args=[staffed.c4a.pk]),
                     {"name": "x", "duty": "member"}, follow=True)
    assert "只有管辖该网格的监管人员可以维护网格责任人" in page.content.decode()


def test_claims_through_the_pages_and_the_queues(world, staffed, as_user):
    county = as_user(staffed.users["county_a"])
    county.post(reverse("grids:assign"))
    assert GridAssignment.objects.count() == 5  # county A's enterprises only
    grid_a = staffed.users["grid_a"]
    counts = {c.queue.key: c.count for c in header_counts(grid_a).queues}
    assert counts == {"grid_claims": 3}
    client = as_user(grid_a)
    html = client.get(reverse("grids:assignments")).content.decode()
    assert html.count('class="claim-confirm"') == 3
    first = GridAssignment.objects.get(enterprise=world.enterprises_a[0])
    client.post(reverse("grids:claim", args=[first.pk, "dispute"]), {"reason": "不在本网格"})
    first.refresh_from_db()
    assert (first.state, first.reason) == ("disputed", "不在本网格")
    assert {c.queue.key: c.count for c in header_counts(staffed.users["county_a"]).queues} \
        == {"grid_disputes": 1}
    county = as_user(staffed.users["county_a"])
    county.post(reverse("grids:claim", args=[first.pk, "reassign"]),
                {"cell": staffed.c2b.pk, "reason": "按实际地址"})
    first.refresh_from_db()
    assert (first.state, first.cell_id, first.pinned) == ("pending", staffed.c2b.pk, True)
    other = as_user(staffed.users["grid_b"])
    assert other.post(reverse("grids:claim", args=[first.pk, "confirm"])).status_code == 404
    assert as_user(grid_a).post(reverse("grids:claim", args=[first.pk, "nonsense"])
                                ).status_code == 404


def test_patrol_through_the_pages(world, staffed, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.grid_assign(now=NOW)
    client = as_user(staffed.users["grid_a"])
    start = client.post(reverse("grids:patrols"), {"cell": staffed.c4a.pk, "lon": "118.14",
                                                   "lat": "32.11"})
    patrol = Patrol.objects.get()
    assert start.url == reverse("grids:patrol", args=[patrol.pk])
    page = client.get(start.url).content.decode()
    assert 'id="checkin-form"' in page and "测试化工1号有限公司" in page
    answer = client.post(reverse("grids:track", args=[patrol.pk]),
                         json.dumps({"points": [[118.141, 32.111], [118.142, 32.112]]}),
                         content_type="application/json")
    assert answer.json() == {"added": 2}
    page = client.get(start.url).content.decode()
    assert 'id="patrol-map"' in page and "[118.141, 32.111]" in page  # the track drawn
    page = client.post(reverse("grids:checkin", args=[patrol.pk]), {
        "enterprise": world.enterprises_a[0].pk, "lon": "118.15", "lat": "32.1209",
        "note": "正常"}, follow=True).content.decode()
    assert "打卡成功，距企业 100 米" in page
    page = client.post(reverse("grids:checkin", args=[patrol.pk]), {
        "enterprise": world.enterprises_b[0].pk, "lon": "118.6", "lat": "32.1"},
        follow=True).content.decode()
    assert "企业不存在或不在您的辖区" in page
    other = as_user(staffed.users["county_b"])
    assert other.get(reverse("grids:patrol", args=[patrol.pk])).status_code == 404
    assert other.post(reverse("grids:track", args=[patrol.pk]), "{}",
                      content_type="application/json").status_code == 404
    client = as_user(staffed.users["grid_a"])
    client.post(reverse("grids:end", args=[patrol.pk]), {"lon": "118.16", "lat": "32.13",
                                                         "note": "完毕"})
    patrol.refresh_from_db()
    assert (patrol.note, len(patrol.track.coords), CheckIn.objects.count()) == ("完毕", 5, 1)
    assert "完毕" in client.get(reverse("grids:patrols")).content.decode()


def test_enterprise_grid_pages(world, staffed, as_user):
    services.grid_assign(now=NOW)
    client = as_user(staffed.users["enterprise"])
    client.post(reverse("grids:zones"), {"name": "罐区"})
    zone = EnterpriseZone.objects.get()
    client.post(reverse("grids:zone_member_add", args=[zone.pk]),
                {"name": "罐区班长", "duty": "head", "phone": "123"})
    html = client.get(reverse("grids:zones")).content.decode()
    assert "罐区班长" in html and "一号网格" in html and "grid_a" in html
    assert as_user(staffed.users["county_a"]).get(reverse("grids:zones")).status_code == 403


def test_stats_page_drills_down(worked_pages, as_user):
    staffed = worked_pages
    client = as_user(staffed.users["county_a"])
    html = client.get(reverse("grids:stats")).content.decode()
    assert f'id="stats-{staffed.c1.pk}"' in html and "乙县网格" not in html
    html = client.get(reverse("grids:stats"), {"parent": staffed.c1.pk}).content.decode()
    assert f'id="stats-{staffed.c2a.pk}"' in html and f'id="stats-{staffed.c1.pk}"' not in html


@pytest.fixture
def worked_pages(staffed):
    services.grid_assign(now=NOW)
    return staffed


def test_workbench_shortcuts(staffed, as_user):
    html = as_user(staffed.users["grid_a"]).get("/").content.decode()
    assert 'id="home-grid_patrols"' in html and 'id="home-grids"' in html
    html = as_user(staffed.users["enterprise"]).get("/").content.decode()
    assert 'id="home-grid_zones"' in html and 'id="home-grids"' not in html


def test_lists_cost_the_same_whatever_the_rows(world, staffed, as_user):
    """The 确权 steps of each row are asked once per cell, not once per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import _enterprise

    services.grid_assign(now=NOW)
    client = as_user(staffed.users["grid_b"])  # three rows in one cell
    client.get(reverse("grids:assignments"))
    with CaptureQueriesContext(connection) as three:
        assert client.get(reverse("grids:assignments")).content.decode().count(
            'class="claim-confirm"') == 3
    for i in (21, 22, 23):
        _enterprise(i, world.county_b, 118.7, 32.3, 3)
    services.grid_assign(now=NOW)
    with CaptureQueriesContext(connection) as six:
        assert client.get(reverse("grids:assignments")).content.decode().count(
            'class="claim-confirm"') == 6
    assert len(six) == len(three)


def test_other_owners_and_counties_reach_no_zone_photo_or_cell(world, staffed, as_user,
                                                              settings, tmp_path):
    from django.contrib.gis.geos import Point
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.enforcement.grids.test_patrols import PNG
    settings.MEDIA_ROOT = tmp_path
    services.grid_assign(now=NOW)
    zone = services.zone_save(actor=staffed.users["enterprise"],
                              enterprise=world.enterprises_a[0], name="罐区")
    assert as_user(staffed.users["county_a"]).post(
        reverse("grids:zone_member_add", args=[zone.pk]), {"name": "x"}).status_code == 403
    patrol = services.patrol_start(user=staffed.users["grid_a"], cell=staffed.c4a,
                                   point=Point(118.14, 32.11), now=NOW)
    services.patrol_photo_add(user=staffed.users["grid_a"], patrol=patrol, photos=[
        SimpleUploadedFile("a.png", PNG)])
    photo = patrol.photos.get()
    url = reverse("grids:photo", args=[patrol.pk, photo.pk])
    assert as_user(staffed.users["county_a"]).get(url).status_code == 200
    assert as_user(staffed.users["county_b"]).get(url).status_code == 404
    assert as_user(staffed.users["enterprise"]).get(url).status_code == 404
    # a reassignment naming a cell the decider cannot see is refused with a message
    a = GridAssignment.objects.get(enterprise=world.enterprises_a[0])
    services.assignment_dispute(user=staffed.users["grid_a"], assignment=a, reason="不在本网格")
    page = as_user(staffed.users["county_a"]).post(
        reverse("grids:claim", args=[a.pk, "reassign"]), {"cell": staffed.b1.pk}, follow=True)
    assert "改划时须指定另一个网格" in page.content.decode()
    a.refresh_from_db()
    assert a.state == "disputed"
