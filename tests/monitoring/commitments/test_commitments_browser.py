"""The daily commitment in a real browser (headless Debian chromium against live_server,
zh-CN, 1920×1080): the enterprise files today's card with an HH alarm open, the county sees
the day's counts, the drill-down and the mismatch flag, and anyone reads the public board.
No request leaves the site, and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring.commitments.models import Commitment
from tests.browser import chromium_page, login, screenshot
from tests.monitoring.commitments.conftest import alarm

SHOTS = Path("/tmp/work/shots/commitment")


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.mark.browser
def test_file_then_supervise_then_board(live_server, world, people):
    alarm(world.enterprises_a[0], raised=timezone.now())
    base = f"{live_server.url}/monitoring/commitments/"
    with chromium_page(viewport=(1920, 1080), locale="zh-CN") as browser:
        page = browser.page
        login(page, base, "enterprise")
        page.fill("#id_units_total", "3")
        page.fill("#id_units_running", "2")
        page.fill("#id_units_overhaul", "1")
        page.fill("#id_hot_work_first", "1")
        page.check("#id_trial_production_1")
        page.check("#id_start_stop_1")
        page.check("#id_hazards_safe_0")
        page.fill("#id_principal", "王主任")
        _keep(screenshot(page, "commitment-form-enterprise"))
        page.check("#id_confirmed")
        page.click("#file-commitment")
        expect(page.locator("#filed")).to_contain_text("王主任")
        page.click("header .who form button")

        login(page, f"{base}?division={world.city.code}", "province")
        expect(page.locator("tr.status-row")).to_have_count(8)
        expect(page.locator("#by-division tbody tr")).to_have_count(2)
        expect(page.locator(".cm-flag")).to_have_count(1)
        _keep(screenshot(page, "commitment-status-province"))
        page.click("header .who form button")

        page.goto(f"{base}board/")
        expect(page.locator("tr.board-row")).to_have_count(8)
        _keep(screenshot(page, "commitment-board-public"))
    card = Commitment.objects.get()
    assert (card.principal, card.hazards_safe, card.flagged_at is not None) == (
        "王主任", True, True)
    assert browser.outside == [] and browser.csp_refused == []
