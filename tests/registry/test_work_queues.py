"""The header's work queues (geo.queues, contributed by the registry's slices): what waits
for each user — file edits, hazard filings and plan filings to decide for a supervisor, the
filings returned to an enterprise — counted with the unread inbox in ONE query, within the
user's jurisdiction, each linking to the page that lists exactly those rows."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client
from playwright.sync_api import expect

from geo import messaging
from geo.queues import header_counts
from geo.scope import scope_for_user_id
from registry.enterprises.review import file_snapshot
from registry.enterprises.services import enterprise_edit_submit
from registry.hazards.models import HazardSource
from registry.hazards.services import hazard_source_create
from registry.plans.models import EmergencyPlan
from registry.plans.services import plan_create
from tests.browser import chromium_page, login, screenshot


def _source(enterprise, name: str, state: str) -> HazardSource:
    x, y = enterprise.geom.x, enterprise.geom.y
    source = hazard_source_create(
        enterprise=enterprise, name=name, kind="tank_farm", exposed_people=60,
        geom=MultiPolygon(Polygon.from_bbox((x - 5e-4, y - 5e-4, x + 5e-4, y + 5e-4)),
                          srid=4326))
    HazardSource.objects.filter(pk=source.pk).update(filing_state=state)
    return source


@pytest.fixture
def waiting(world):
    """County A: an edit, a filing and a plan to decide; a filing and a plan returned to the
    `enterprise` user's organisation. County B: one filing to decide. One of each that
    waits for nobody (accepted, draft)."""
    own, other, third = world.enterprises_a[:3]
    proposed = file_snapshot(own)
    proposed["enterprise"]["employees"] = 120
    enterprise_edit_submit(actor=world.users["enterprise"], enterprise=own, proposed=proposed)
    _source(own, "退回的罐区", "returned")
    _source(other, "待受理的罐区", "submitted")
    _source(third, "已备案的罐区", "accepted")
    _source(world.enterprises_b[0], "乙县待受理的罐区", "submitted")
    for title, state in (("待备案的预案", "submitted"), ("退回的预案", "returned"),
                         ("草稿预案", "draft")):
        plan = plan_create(user=world.users["enterprise"], title=title, kind="special")
        EmergencyPlan.objects.filter(pk=plan.pk).update(state=state)
    messaging.notify([world.users["county_a"]], messaging.Message(
        kind="test", title="一条未读消息", body="", key="test:1"))


def counts(user) -> tuple[int, list[tuple[str, int, str]]]:
    got = header_counts(user)
    return got.unread, [(q.queue.key, q.count, str(q.queue.url)) for q in got.queues]


def test_each_user_sees_what_waits_for_them(world, waiting):
    assert counts(world.users["county_a"]) == (1, [
        ("enterprise_edits", 1, "/enterprises/reviews/"),
        ("hazard_filings", 1, "/hazards/?state=submitted"),
        ("plan_filings", 1, "/plans/?state=submitted")])
    assert counts(world.users["county_b"]) == (0, [
        ("hazard_filings", 1, "/hazards/?state=submitted")])
    for supervisor in ("province", "admin"):
        assert counts(world.users[supervisor]) == (0, [
            ("enterprise_edits", 1, "/enterprises/reviews/"),
            ("hazard_filings", 2, "/hazards/?state=submitted"),
            ("plan_filings", 1, "/plans/?state=submitted")])
    assert counts(world.users["enterprise"]) == (0, [
        ("hazard_returned", 1, "/hazards/?state=returned"),
        ("risk_unidentified", 1, "/enforcement/risk/unidentified/"),
        ("plan_returned", 1, "/plans/?state=returned")])
    assert counts(world.users["analyst"]) == (0, [])  # reads, decides nothing, owns nothing


def test_one_query_for_the_inbox_and_every_queue(world, waiting, django_assert_num_queries):
    county_a = world.users["county_a"]
    scope_for_user_id(county_a.pk)  # as a page has, before its header renders
    with django_assert_num_queries(1):
        counts(county_a)


def test_each_link_lists_exactly_the_rows_counted(world, waiting):
    for username in ("county_a", "county_b", "province", "enterprise"):
        client = Client()
        client.force_login(world.users[username])
        for queue in header_counts(world.users[username]).queues:
            context = client.get(str(queue.queue.url)).context
            rows = context["rows"] if "rows" in context else context["page"].object_list
            assert (username, queue.queue.key, len(rows)) == \
                (username, queue.queue.key, queue.count)


def test_the_header_links_the_queues_with_their_counts(world, waiting):
    client = Client()
    client.force_login(world.users["county_a"])
    html = client.get("/").content.decode()
    assert ('<a href="/enterprises/reviews/" class="queue" id="queue-enterprise_edits">'
            '档案待审 <b class="badge">1</b></a>') in html
    assert ('<a href="/hazards/?state=submitted" class="queue" id="queue-hazard_filings">'
            '危险源待备案 <b class="badge">1</b></a>') in html
    assert ('<a href="/plans/?state=submitted" class="queue" id="queue-plan_filings">'
            '预案待备案 <b class="badge">1</b></a>') in html
    assert 'id="queue-hazard_returned"' not in html  # county A owns nothing
    client.force_login(world.users["analyst"])
    assert 'class="queue"' not in client.get("/").content.decode()


@pytest.mark.browser
def test_a_supervisor_follows_a_queue_from_the_header(live_server, world, waiting):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/enterprises/", "county_a")
        expect(page.locator("header .queue")).to_have_text(
            ["档案待审 1", "危险源待备案 1", "预案待备案 1"])
        expect(page.locator("header .inbox")).to_have_text("消息 1")
        screenshot(page, "header-queues-county", full_page=False)
        centres = [page.locator(sel).bounding_box() for sel in (
            "header .brand", "header nav a >> nth=0", "#queue-plan_filings", "header .inbox")]
        assert {round(b["y"] + b["height"] / 2) for b in centres} == {25}  # one line at 1920
        page.click("#nav-monitoring summary")  # the monitoring pages under one word
        expect(page.locator("#nav-monitoring a")).to_have_text(
            ["监测报警", "每日承诺", "报警处置考核", "系统运行监测", "监测报告", "指挥中心大屏"])
        screenshot(page, "header-menu-county", full_page=False)
        page.click("#queue-hazard_filings")
        page.wait_for_url(f"{live_server.url}/hazards/?state=submitted")
        expect(page.locator("main")).to_contain_text("待受理的罐区")
        expect(page.locator("main")).not_to_contain_text("已备案的罐区")
    assert browser.outside == []
