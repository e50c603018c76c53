"""The licence warnings page (/licences/) as a supervisor sees it in chromium (zh-CN,
1920×1080): the stage tabs stand apart, each row is coloured by its urgency, and a firm's
name opens its one-enterprise file at the licences."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.licences.models import LicenceKind
from registry.licences.services import licence_create
from tests.browser import chromium_page, login, screenshot

# (days left, stage) of one licence each, one enterprise each, all in county A
DUE = [(-3, "expired"), (3, "7"), (20, "30"), (60, "90")]
# the row backgrounds of the stages, in the warning colours 红橙黄蓝
BACKGROUNDS = {"expired": "rgb(253, 236, 234)", "7": "rgb(255, 243, 224)",
               "30": "rgb(255, 253, 231)", "90": "rgb(232, 241, 251)"}


@pytest.fixture
def due(world):
    today = timezone.localdate()
    return [licence_create(enterprise=ent, kind=LicenceKind.SAFETY_PRODUCTION,
                           number=f"WH-{days}", issuer="测试省应急管理厅",
                           valid_from=today.replace(year=today.year - 3),
                           valid_to=today + datetime.timedelta(days=days))
            for (days, _stage), ent in zip(DUE, world.enterprises_a, strict=False)]


def test_the_page_links_each_firm_to_its_file(world, due, client):
    client.force_login(world.users["county_a"])
    html = client.get("/licences/").content.decode()
    for licence in due:
        ent = licence.enterprise
        assert f'<a href="/enterprises/{ent.pk}/#licences">{ent.name}</a>' in html


@pytest.mark.browser
def test_tabs_apart_rows_coloured_names_linked(live_server, world, due):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login(page, f"{live_server.url}/licences/", "county_a")
        tabs = page.locator("nav.tabs a")
        expect(tabs).to_have_text(["全部", "已过期 1", "7天内到期 1", "30天内到期 1",
                                   "90天内到期 1"])
        boxes = [tabs.nth(i).bounding_box() for i in range(5)]
        gaps = [round(b["x"] - (a["x"] + a["width"]))
                for a, b in zip(boxes, boxes[1:], strict=False)]
        assert gaps == [8, 8, 8, 8]                           # 0.5rem between tabs
        assert len({b["y"] for b in boxes}) == 1              # one line
        rows = page.locator("tbody tr")
        got = [(rows.nth(i).get_attribute("class"),
                rows.nth(i).locator("td").first.evaluate(
                    "td => getComputedStyle(td).backgroundColor"))
               for i in range(rows.count())]
        assert got == [(f"stage-{s}", BACKGROUNDS[s]) for _days, s in DUE]
        screenshot(page, "licence-warnings")
        first = due[0].enterprise
        page.get_by_role("link", name=first.name).click()
        page.wait_for_url(f"{live_server.url}/enterprises/{first.pk}/#licences")
        expect(page.locator("#licences")).to_contain_text("WH--3")
    assert browser.outside == []
