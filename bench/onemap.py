"""One map (一张图) first render: N users open it at once, beside a plain MapLibre page
drawing the same style.json in the same run.

    python -m bench.onemap [--users 20] [--workers 2] [--timeout 120]

Every user is a fresh context (empty cache, its own session of the demo `province`
account) in one headless chromium; all N navigate at the same moment. First render =
the page's `performance.now()` (ms since navigation start) when MapLibre says the map is
loaded and enterprise features are in its tiles (the predicate of
tests/dashboards/test_onemap_browser.py, narrowed to that). The plain page is
var/vendor/maplibre-gl and /tiles/style.json at the one map's view, served by granian
from /static. Each part runs on its own freshly started site (granian, `--workers`,
an empty tile cache):

  first user       one user per page on a site that has just started (records every
                   path the page had answered by its first render)
  N users          one map (fresh) = the first N users after start, then the plain page,
                   then one map (warm) = N new users on the warmed site
  server only      the recorded paths, N clients at once, six requests at a time each,
                   no browser: what the site costs apart from the browsers' own work
                   (which on a small machine shares the cores with the site)

Goal: 20 concurrent users, one map p95 < 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.test import Client  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from dashboards.selectors import division_extent  # noqa: E402
from geo.models import User  # noqa: E402
from geo.scope import scope_for_user  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

GOAL_SECONDS = 3.0
VENDOR = common.ROOT / "var" / "vendor" / "maplibre-gl"
USERNAME = "province"  # made by `manage.py load_demo`, in the demo and the bench database
ONEMAP_MAP = "window.SafeAtlas?.maps?.['onemap-map']"  # assets/onemap_map.js (ADR 0023)
# ms since navigation start once `map` has drawn enterprises, else false (polled per frame)
RENDERED = """(map) => {
  if (!map || !map.loaded()) return false;
  const drawn = map.querySourceFeatures('enterprises', {sourceLayer: 'enterprises'});
  return drawn.length > 0 ? performance.now() : false;
}"""
PLAIN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>plain MapLibre</title>
<link rel="stylesheet" href="maplibre-gl.css">
<style>html, body, #map {margin: 0; width: 100%%; height: 100%%}</style>
<script src="maplibre-gl.js"></script></head>
<body><div id="map"></div><script>
window.benchMap = new maplibregl.Map({container: "map", style: "/tiles/style.json",
                                      bounds: %(bounds)s, fitBoundsOptions: {padding: 24}});
</script></body></html>
"""


@dataclass
class Round:
    """First-render times (s) of one round; failures are users that never rendered."""

    name: str
    seconds: list[float] = field(default_factory=list)
    failures: int = 0
    server_errors: int = 0  # responses >= 500 the pages received

    def cut(self, q: float) -> float:
        if not self.seconds:
            return float("nan")
        if len(self.seconds) == 1:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[round(q) - 1]


def session_cookies(n: int) -> list[str]:
    """n signed-in sessions of the demo province account (session cookie values)."""
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        sys.exit(f"no user {USERNAME!r}: run `manage.py load_demo` first")
    values = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        values.append(client.cookies["sessionid"].value)
    return values


def plain_page(root: Path) -> None:
    """root/bench-onemap/: MapLibre alone, opening the one map's view of the same user."""
    page = root / "bench-onemap"
    page.mkdir(parents=True, exist_ok=True)
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        shutil.copy(VENDOR / name, page / name)
    user = User.objects.get(username=USERNAME)
    box = division_extent(scope=scope_for_user(user))
    (page / "index.html").write_text(PLAIN_PAGE % {
        "bounds": json.dumps([box.west, box.south, box.east, box.north])})


PAGES = [  # (workload, path, the page's MapLibre map as a JS expression)
    ("one map", "/dash/onemap/", ONEMAP_MAP),
    ("plain MapLibre", "/static/bench-onemap/index.html", "window.benchMap"),
]


async def open_one(browser, site, cookie: str, path: str, map_js: str, timeout_s: float,
                   start: asyncio.Event, result: Round, record: list[str] | None = None
                   ) -> None:
    """One user opens `path` once `start` is set; `record` gets the site paths the page
    (and its workers) had answered until it rendered."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800},
                                        locale="zh-CN")
    await context.add_cookies([{"name": "sessionid", "value": cookie, "url": site.base}])
    page = await context.new_page()
    page.on("response", lambda r: setattr(result, "server_errors",
                                          result.server_errors + (r.status >= 500)))
    if record is not None:
        context.on("response", lambda r: record.append(r.url.removeprefix(site.base))
                   if r.url.startswith(site.base + "/") and r.ok else None)
    await start.wait()
    try:
        await page.goto(site.url(path), wait_until="commit", timeout=timeout_s * 1000)
        handle = await page.wait_for_function(f"() => ({RENDERED})({map_js})",
                                              timeout=timeout_s * 1000)
        result.seconds.append(await handle.json_value() / 1000)
    except Exception:  # a page that never renders is the failure this bench looks for
        result.failures += 1
    finally:
        if record is not None:
            record[:] = list(dict.fromkeys(record))  # what it asked for up to now, once
        await context.close()


async def browser_round(browser, site, name: str, path: str, map_js: str, users: int,
                        timeout_s: float, record: list[str] | None = None) -> Round:
    """`users` new users open `path` at the same moment."""
    cookies = await asyncio.to_thread(session_cookies, users)
    result, start = Round(name), asyncio.Event()
    tasks = [asyncio.create_task(open_one(browser, site, c, path, map_js, timeout_s, start,
                                          result, record if i == 0 else None))
             for i, c in enumerate(cookies)]
    await asyncio.sleep(0.5)  # let every context get ready, then release them together
    start.set()
    await asyncio.gather(*tasks)
    print(f"{name}: {len(result.seconds)}/{users} rendered", flush=True)
    return result


async def with_browser(work):
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return await work(browser)
        finally:
            await browser.close()


def replay_round(site, name: str, paths: list[str], users: int) -> Round:
    """Server side only: `users` clients at once each GET every path the page asked for,
    six at a time like a browser; a user's time is until its last answer."""
    cookies = session_cookies(users)
    result = Round(name)
    lock = threading.Lock()

    def user(cookie: str) -> None:
        t0 = time.perf_counter()
        answered = common.http_once(site.base, paths, name=name, workers=6,
                                    headers={"Cookie": f"sessionid={cookie}"})
        with lock:
            if answered.errors:  # any answer >= 400 (or none)
                result.failures += 1
            else:
                result.seconds.append(time.perf_counter() - t0)

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, cookies))
    print(f"{name}: {len(result.seconds)}/{users} served", flush=True)
    return result


def run_all(args, static: Path) -> tuple[list[Round], list[Round], list[Round]]:
    """Three freshly started sites: one user per page (recording what each page asks
    for), `--users` browsers at once, then the same requests replayed without browsers."""
    def fresh_site():
        return common.site(workers=args.workers, static=static,
                           env={"TILE_CACHE_DIR": tempfile.mkdtemp(prefix="bench-onemap-")})

    recorded: dict[str, list[str]] = {}
    single, browsers, servers = [], [], []
    with fresh_site() as site:
        async def first_users(browser):
            for name, path, map_js in PAGES:
                recorded[name] = []
                single.append(await browser_round(browser, site, name, path, map_js, 1,
                                                  args.timeout, recorded[name]))
        asyncio.run(with_browser(first_users))
    rounds = [(f"{PAGES[0][0]} (fresh)", *PAGES[0][1:]), PAGES[1],
              (f"{PAGES[0][0]} (warm)", *PAGES[0][1:])]
    with fresh_site() as site:
        async def crowd(browser):
            for name, path, map_js in rounds:
                browsers.append(await browser_round(browser, site, name, path, map_js,
                                                    args.users, args.timeout))
        asyncio.run(with_browser(crowd))
    with fresh_site() as site:
        for (name, _, _), page in zip(rounds, ["one map", "plain MapLibre", "one map"],
                                      strict=True):
            servers.append(replay_round(site, name, recorded[page], args.users))
    print("paths per page:", {name: len(paths) for name, paths in recorded.items()},
          flush=True)
    return single, browsers, servers


def print_rounds(title: str, rounds: list[Round], what: str) -> None:
    plain = next((r for r in rounds if r.name == "plain MapLibre"), None)
    lines = [title, f"{'workload':<26}{what:>9}{'p50':>8}{'p95':>8}{'max':>8}{'5xx':>6}"
                    f"{'p95 vs plain':>14}"]
    for r in rounds:
        ratio = "" if r is plain or not plain or not plain.seconds or not r.seconds \
            else f"{r.cut(95) / plain.cut(95):.2f}x"
        n = len(r.seconds) + r.failures
        top = max(r.seconds, default=float("nan"))
        lines.append(f"{r.name:<26}{len(r.seconds):>5}/{n:<3}{r.cut(50):>8.2f}"
                     f"{r.cut(95):>8.2f}{top:>8.2f}{r.server_errors:>6d}{ratio:>14}")
    print("\n".join(lines), flush=True)


def print_goal(users: int, browsers: list[Round], servers: list[Round]) -> None:
    print(f"goal: {users} users at once, one map p95 < {GOAL_SECONDS:.0f} s:", flush=True)
    for where, rounds in (("chromium", browsers), ("server only", servers)):
        for r in rounds:
            if r.name.startswith("one map"):
                met = r.failures == 0 and r.cut(95) < GOAL_SECONDS
                print(f"  {where:<12} {r.name:<16} p95 {r.cut(95):.2f} s, {r.failures} "
                      f"failed: {'met' if met else 'NOT met'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="per page, seconds")
    args = parser.parse_args()
    static = Path(tempfile.mkdtemp(prefix="bench-onemap-static-"))
    plain_page(static)
    single, browsers, servers = run_all(args, static)
    print_rounds("first render in chromium, the first user after start (seconds)", single,
                 "rendered")
    print_rounds(f"first render in chromium, {args.users} users at once (seconds)", browsers,
                 "rendered")
    print_rounds(f"server only: the same requests, {args.users} clients at once (seconds)",
                 servers, "served")
    print_goal(args.users, browsers, servers)


if __name__ == "__main__":
    main()
