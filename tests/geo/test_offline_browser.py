"""The offline queue in a real browser (headless Debian chromium, zh-CN): the enterprise
opens the daily commitment, loses the network, opens the form again from the service
worker, files the card (kept on the phone, nothing on the server), gets the network back
(the card is sent by itself), then the same queued record is replayed twice: still one
card. Screenshot var/screenshots/offline_queued.png."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from geo.models import OfflineReceipt
from monitoring.commitments.models import Commitment
from tests.browser import chromium_page, login, screenshot
from tests.monitoring.commitments.conftest import people  # noqa: F401  (fixture)

CONTROLLED = "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"
QUEUED = "() => document.getElementById('offline-status').dataset.queued"
REPLAY = """(copy) => SafeAtlas.offline.put(copy).then(() => SafeAtlas.offline.flush())"""


def cards() -> int:
    """Commitments on the server, counted outside Playwright's event loop (the ORM refuses
    to run inside one)."""
    def count() -> int:
        try:
            return Commitment.objects.count()
        finally:
            connection.close()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(count).result()


def fill(page) -> None:
    for field, value in (("units_total", "3"), ("units_running", "2"), ("units_overhaul", "1"),
                         ("hot_work_first", "1")):
        page.fill(f"#id_{field}", value)
    page.check("#id_trial_production_1")
    page.check("#id_start_stop_1")
    page.check("#id_hazards_safe_0")
    page.fill("#id_principal", "王主任")
    page.check("#id_confirmed")


@pytest.mark.browser
def test_a_card_filed_offline_is_sent_once_back_online(live_server, world, people):  # noqa: F811
    url = f"{live_server.url}/monitoring/commitments/"
    with chromium_page(viewport=(412, 915), service_workers="allow",
                       block_outside=False) as browser:  # a phone
        page = browser.page
        login(page, url, "enterprise")
        page.wait_for_function(CONTROLLED, timeout=15_000)
        page.reload()  # now through the worker: the page and its files are kept

        page.context.set_offline(True)
        page.reload()  # no network: the form still opens
        fill(page)
        page.click("#file-commitment")
        status = page.locator("#offline-status")
        expect(status).to_contain_text("无网络：已保存在本机，联网后自动提交")
        expect(status).to_contain_text("1 条记录待联网后提交")
        assert cards() == 0
        screenshot(page, "offline_queued", full_page=False)
        queued = page.evaluate("() => SafeAtlas.offline.entries()")
        assert [e["label"] for e in queued] == ["每日承诺"]

        page.context.set_offline(False)  # the "online" event sends it
        page.wait_for_function(f"() => ({QUEUED})() === '0'", timeout=15_000)
        assert cards() == 1
        for _ in range(2):  # the same record again, as a lost answer or a replay would send it
            assert page.evaluate(REPLAY, queued[0]) == 1
        assert page.evaluate("() => SafeAtlas.offline.entries()") == []
        assert page.evaluate("() => localStorage.getItem('safeatlas-offline-refused')") is None
    assert Commitment.objects.count() == 1 and OfflineReceipt.objects.count() == 1
