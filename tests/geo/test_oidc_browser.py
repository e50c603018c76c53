"""The consent page in a real browser (headless Debian chromium against live_server): a
supervisor signs in through the page another system sent her to, agrees, and Chromium
follows the redirect to that system's origin under the site's Content-Security-Policy
(form-action), which it enforces on the redirect after a form POST."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from oauth2_provider.models import Application

from tests.browser import chromium_page, login, screenshot
from tests.geo import oidc_client as rp


@pytest.mark.browser
def test_a_supervisor_agrees_and_returns_to_the_other_system(live_server, world):
    port = urlsplit(live_server.url).port
    callback = f"http://127.0.0.1:{port}/callback"  # another origin than localhost:port
    app = rp.application()
    Application.objects.filter(pk=app.pk).update(redirect_uris=callback)
    request = rp.Request(redirect_uri=callback)
    authorize = f"{live_server.url}/o/authorize/?{request.query()}"
    with chromium_page() as browser:
        page = browser.page
        login(page, authorize, "county_a")
        assert page.locator("h1").inner_text() == "“执法系统”请求使用您的安全图谱账号登录"
        screenshot(page, "sso-consent")
        page.click("#sso-allow")
        page.wait_for_url(lambda url: url.startswith(callback))
        back = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert back["state"] == request.state and len(back["code"]) >= 30
    assert browser.outside == []
