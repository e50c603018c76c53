"""The demo province's public board (企业状态公告) in a real browser (headless chromium,
zh-CN, 1920×1080): the first screen leads with the filed cards, the last page closes with
the missing ones, and the pager walks between them."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from data.demo_commitments import demo_commitments_ensure
from monitoring.commitments.models import Commitment
from tests.browser import chromium_page, screenshot
from tests.data.test_demo_commitments import NOON
from tests.data.test_load_demo import PARK, fast_passwords  # noqa: F401

SHOTS = Path("/tmp/work/shots/commitment")


@pytest.mark.browser
def test_the_demo_board_in_chromium(live_server, fast_passwords, monkeypatch):  # noqa: F811
    call_command("load_demo", stdout=StringIO())
    Commitment.objects.all().delete()
    demo_commitments_ensure(PARK + "000", now=NOON)
    monkeypatch.setattr("monitoring.commitments.views._now", lambda: NOON)
    with chromium_page(viewport=(1920, 1080), locale="zh-CN") as browser:
        page = browser.page
        page.goto(f"{live_server.url}/monitoring/commitments/board/")
        rows = page.locator("tr.board-row")
        expect(rows).to_have_count(50)
        expect(rows.first.locator(".cs")).to_have_text("按时承诺")
        expect(page.locator("#board-counts")).to_contain_text("共 249 家企业")
        expect(page.locator("#board-counts")).to_contain_text("未承诺 5")
        first = screenshot(page, "commitment-board-demo-province", full_page=False)
        page.click("nav.pager a[rel=next]")
        page.click("nav.pager a[rel=next]")
        page.click("nav.pager a[rel=next]")
        page.click("nav.pager a[rel=next]")
        expect(page.locator("nav.pager")).to_contain_text("第 5 / 5 页")
        expect(rows).to_have_count(49)
        expect(page.locator("tr.board-row .cs-missing")).to_have_count(5)
        expect(rows.last.locator(".cs")).to_have_text("未承诺")
        last = screenshot(page, "commitment-board-demo-province-last")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in (first, last):
        shutil.copy(path, SHOTS / path.name)
    assert browser.outside == []
