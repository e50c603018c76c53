"""The workbench in Chromium (zh-CN, 1920×1080) as province, county, enterprise and analyst:
each home renders in Chinese with its own blocks and no console error; a notice published
by the province to county A shows unread on the enterprise's home until it is opened."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from geo.notices import services
from geo.notices.review import REVIEW
from registry.licences.services import licence_create
from tests.browser import chromium_page, login, screenshot


def login_home(page, base: str, username: str) -> None:
    """The home is public, so sign in through a page that is not, then open the home."""
    login(page, f"{base}/inbox/", username)
    page.goto(f"{base}/")

TODAY = timezone.localdate()


@pytest.fixture
def notice(world, departments):
    licence_create(enterprise=world.enterprises_a[0], kind="other", number="L-1",
                   issuer="测试局", valid_from=TODAY - datetime.timedelta(days=400),
                   valid_to=TODAY - datetime.timedelta(days=3))
    made = services.notice_save(user=world.users["county_a"], title="甲县汛期安全检查通知",
                                body="请各企业于本周内完成自查。", areas=[], roles=[],
                                public=False)
    REVIEW.submit(made, user=world.users["county_a"])
    return REVIEW.accept(made, user=world.users["province"])


EXPECTED = {  # the blocks each role sees, and one it must not
    "province": (["block-area", "block-hazards", "block-monitoring", "block-licences"],
                 "block-firm"),
    "county_a": (["block-area", "block-warnings_recent", "block-notices"], "block-firm"),
    "enterprise": (["block-firm", "block-hazards", "block-licences"], "block-area"),
    "analyst": (["block-area", "block-monitoring"], "block-firm"),
}


@pytest.mark.browser
@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_role_home_renders(live_server, world, notice, username):
    shown, hidden = EXPECTED[username]
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        login_home(page, live_server.url, username)
        expect(page.locator("h1")).to_have_text("工作台")
        for key in shown:
            expect(page.locator(f"#{key}")).to_be_visible()
        expect(page.locator(f"#{hidden}")).to_have_count(0)
        expect(page.locator("#home-todos")).to_contain_text("我的待办")
        screenshot(page, f"home-{username}")
        assert errors == []
    assert browser.outside == []


@pytest.mark.browser
def test_an_unread_notice_on_the_home_is_read_once_opened(live_server, world, notice):
    with chromium_page(viewport=(1920, 1080)) as browser:
        page = browser.page
        login_home(page, live_server.url, "enterprise")
        item = page.locator("#block-notices li", has_text="甲县汛期安全检查通知")
        expect(item.locator("b.unread")).to_have_text("未读")
        expect(page.locator("#todo-notices_unread b")).to_have_text("1")
        expect(page.locator("#queue-notices_unread")).to_have_text("通知待阅 1")
        item.locator("a").click()
        expect(page.locator("#notice-title")).to_have_text("甲县汛期安全检查通知")
        screenshot(page, "notice-detail-enterprise", full_page=False)
        page.goto(f"{live_server.url}/")
        expect(page.locator("#block-notices b.unread")).to_have_count(0)
        expect(page.locator("#queue-notices_unread")).to_have_count(0)
        # the author, in a browser context of its own (its own cookies)
        login_author = page.context.browser.new_page(
            viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        login(login_author, f"{live_server.url}/inbox/", "county_a")
        login_author.goto(f"{live_server.url}/notices/{notice.pk}/")
        expect(login_author.locator("#notice-receipts")).to_contain_text("已读 2 人 / 应读 2 人")
        screenshot(login_author, "notice-receipts-county", full_page=False)
    assert browser.outside == []
