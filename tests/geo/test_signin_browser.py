"""Sign-in in a real browser (headless Debian chromium against live_server) under the
site's Content-Security-Policy: the administrator's first sign-in binds an authenticator
from a QR code drawn by the site, then the admin opens; and the browser check itself
reports a script the policy refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import chromium_page, screenshot
from tests.geo.signin import totp_code


def outside_the_loop(read):
    """Run an ORM read from a plain thread: Playwright's sync API keeps an event loop
    running in this one, where Django refuses database calls. The thread's connection is
    closed after, or it would keep the test database from being dropped."""
    def run():
        try:
            return read()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.mark.browser
def test_administrator_binds_an_authenticator_and_signs_in(live_server, world):
    with chromium_page() as browser:
        page = browser.page
        page.goto(f"{live_server.url}/admin/")
        assert page.url == f"{live_server.url}/accounts/login/?next=/admin/"
        page.fill("#id_username", "admin")
        page.fill("#id_password", "pw-admin")
        page.click("#login-submit")
        page.wait_for_url(f"{live_server.url}/accounts/second-factor/")
        qr = page.locator("#otp-qr svg")
        expect(qr).to_be_visible()
        assert qr.bounding_box()["width"] >= 200
        expect(page.locator("#otp-qr svg > path")).to_have_count(1)  # drawn, not namespaced
        screenshot(page, "second-factor-enrolment")

        page.fill("#id_code", outside_the_loop(
            lambda: totp_code(TOTPDevice.objects.get(user=world.users["admin"]))))
        page.click("#code-submit")
        page.wait_for_url(f"{live_server.url}/admin/")
        expect(page.locator("#site-name")).to_be_visible()

        # the language switch works from the site's script file, not an inline handler
        page.goto(f"{live_server.url}/accounts/tokens/")
        page.select_option("form.lang select", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    assert browser.outside == []


@pytest.mark.browser
def test_the_browser_check_reports_a_refused_script(live_server, world):
    with pytest.raises(AssertionError, match="Content-Security-Policy refused"), \
            chromium_page() as browser:
        browser.page.goto(f"{live_server.url}/accounts/login/")
        browser.page.evaluate("""() => {
          const script = document.createElement('script');
          script.textContent = 'window.injected = true';
          document.body.appendChild(script);
        }""")
        assert browser.page.evaluate("() => window.injected === undefined")
    [refusal] = browser.csp_refused
    assert refusal.startswith("Executing inline script violates the following Content "
                              "Security Policy directive 'script-src 'self''")
