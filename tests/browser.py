"""Shared set-up for the Playwright tests: headless Debian chromium (no browser download),
a page with a viewport and locale, an optional guard that aborts and records every request
to a host other than this machine, a check that the site's Content-Security-Policy refused
nothing the page needed, the login form, and screenshots under var/screenshots/.

    with chromium_page() as browser:
        login(browser.page, f"{live_server.url}/enterprises/", "province")
        ...
    assert browser.outside == []
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@dataclass
class BrowserPage:
    """The open page, every URL it requested, and the outside URLs the guard aborted."""

    page: Page
    requested: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    csp_refused: list[str] = field(default_factory=list)


def _csp_refusal(message) -> str | None:
    """Chromium reports every CSP refusal (inline script, style, worker, frame, eval) as a
    console error naming the policy."""
    text = message.text
    return text if message.type == "error" and "Content Security Policy" in text else None


def _guard(outside: list[str]) -> Callable[[Route], None]:
    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    return guard


@contextmanager
def chromium_page(*, viewport: tuple[int, int] = (1280, 900), locale: str = "zh-CN",
                  block_outside: bool = True,
                  service_workers: str = "block") -> Iterator[BrowserPage]:
    """A fresh page in headless chromium, closed on exit. With `block_outside`, requests to
    any non-loopback host are aborted and listed in `outside` (still readable after exit).
    The site's service worker (geo.offline) is kept out unless `service_workers="allow"`:
    requests it makes pass by the page's routes and request log.
    A page whose scripts, styles, workers or frames the CSP refused fails the test on exit:
    every browser test doubles as a test that the policy lets the page work."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            width, height = viewport
            page = browser.new_page(viewport={"width": width, "height": height}, locale=locale,
                                    service_workers=service_workers)
            opened = BrowserPage(page)
            page.on("request", lambda request: opened.requested.append(request.url))
            page.on("console", lambda message: opened.csp_refused.extend(
                [text] if (text := _csp_refusal(message)) else []))
            if block_outside:
                page.route("**/*", _guard(opened.outside))
            yield opened
        finally:
            browser.close()
    assert opened.csp_refused == [], "the Content-Security-Policy refused parts of the page"


def login(page: Page, url: str, username: str, password: str | None = None) -> None:
    """Open `url` (which sends an anonymous user to the login form), sign in as `username`
    (password `pw-<username>` unless given) and wait to be back on exactly `url`."""
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}" if password is None else password)
    page.click("#login-submit")
    page.wait_for_url(lambda landed: landed == url)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as var/screenshots/<name>.png and return that path."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
