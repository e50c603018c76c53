"""The command-centre large screen (/dash/screen/): first paint at province scale beside a
plain MapLibre page drawing the same style.json in the same run, and a long-run mode that
records the page's heap while warnings keep arriving.

    python -m bench.screen [--runs 5] [--workers 1]
    python -m bench.screen --minutes 60 [--rate 1] [--sample 30]

First paint: the demo `province` account (the whole province: at `--scale 1000000`, a
million enterprises), a fresh browser context per run (empty cache) on one freshly
started site (granian, an empty tile cache), at 1920×1080 and 3840×2160. The screen is
painted when its map is loaded with enterprise features in its tiles AND its panels'
figures are on the page; the time is the page's `performance.now()` then (ms since
navigation start). The first run after start is reported apart (cold tile cache). Peer:
bench.onemap's plain page (var/vendor/maplibre-gl, /tiles/style.json, the jurisdiction's
bounds) in the same contexts and viewports. Goal (issue 12): < 3 s.

Long run: one screen at 1920×1080; every 1/`--rate` s an HH spell of a new sensor of a
gateway of the bench's own (`bench-screen`, removed at the end) is stored through the
ingest (an alarm and its warning: two events); every `--sample` s the heap (V8 + the
DOM's, after a forced GC, CDP) and the DOM counters are recorded. Prints the series and
the growth per hour once the list is full.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from bench import common
from bench.gateways import gateway_remove
from bench.onemap import (  # this one sets Django up: the imports below need it
    RENDERED,
    USERNAME,
    Round,
    plain_page,
    session_cookies,
    with_browser,
)
from monitoring.devices.services import gateway_create, sensor_create
from monitoring.ingest.services import batch_store
from registry.enterprises.models import Enterprise

GOAL_SECONDS = 3.0
GATEWAY = "bench-screen"
VIEWPORTS = [(1920, 1080), (3840, 2160)]
SCREEN_MAP = "window.SafeAtlas?.screen?.map"  # assets/screen.js, once the map is themed
PANELS = "document.querySelector('#figure-enterprises-total .value')"
PAGES = [  # (workload, path, the map as JS, what else must be on the page)
    ("large screen", "/dash/screen/", SCREEN_MAP, PANELS),
    ("plain MapLibre", "/static/bench-onemap/index.html", "window.benchMap", "true"),
]


async def paint_once(browser, site, cookie: str, path: str, map_js: str, extra: str,
                     viewport: tuple[int, int], timeout_s: float, result: Round) -> None:
    width, height = viewport
    context = await browser.new_context(viewport={"width": width, "height": height},
                                        locale="zh-CN")
    await context.add_cookies([{"name": "sessionid", "value": cookie, "url": site.base}])
    page = await context.new_page()
    page.on("response", lambda r: setattr(result, "server_errors",
                                          result.server_errors + (r.status >= 500)))
    try:
        await page.goto(site.url(path), wait_until="commit", timeout=timeout_s * 1000)
        handle = await page.wait_for_function(
            f"() => ({extra}) && ({RENDERED})({map_js})", timeout=timeout_s * 1000)
        result.seconds.append(await handle.json_value() / 1000)
    except Exception:  # a page that never paints is what this bench looks for
        result.failures += 1
    finally:
        await context.close()


def first_paint(args) -> None:
    static = Path(tempfile.mkdtemp(prefix="bench-screen-static-"))
    plain_page(static)
    cold: list[Round] = []
    warm: list[Round] = []
    env = {"TILE_CACHE_DIR": tempfile.mkdtemp(prefix="bench-screen-")}
    with common.site(workers=args.workers, static=static, env=env) as site:
        async def work(browser):
            for viewport in VIEWPORTS:
                size = "{}x{}".format(*viewport)
                for name, path, map_js, extra in PAGES:
                    cookies = await asyncio.to_thread(session_cookies, args.runs + 1)
                    first, rest = Round(f"{name} {size}"), Round(f"{name} {size}")
                    for i, cookie in enumerate(cookies):
                        await paint_once(browser, site, cookie, path, map_js, extra,
                                         viewport, args.timeout, first if i == 0 else rest)
                    cold.append(first)
                    warm.append(rest)
                    print(f"{name} {size}: {first.seconds} then {rest.seconds}", flush=True)
        asyncio.run(with_browser(work))
    print_rounds("first paint, the first visit of each page and size after start (s)", cold)
    print_rounds(f"first paint, {args.runs} visits after that (s)", warm)
    for r in warm:
        if r.name.startswith("large screen"):
            met = r.failures == 0 and r.cut(95) < GOAL_SECONDS
            print(f"goal {r.name}: p95 {r.cut(95):.2f} s < {GOAL_SECONDS:.0f} s: "
                  f"{'met' if met else 'NOT met'}", flush=True)


def print_rounds(title: str, rounds: list[Round]) -> None:
    lines = [title, f"{'workload':<28}{'painted':>9}{'p50':>8}{'p95':>8}{'max':>8}{'5xx':>6}"
                    f"{'p50 vs plain':>14}"]
    for r in rounds:
        size = r.name.rsplit(" ", 1)[1]
        plain = next(p for p in rounds if p.name == f"plain MapLibre {size}")
        ratio = "" if r is plain or not plain.seconds or not r.seconds \
            else f"{r.cut(50) / plain.cut(50):.2f}x"
        n = len(r.seconds) + r.failures
        lines.append(f"{r.name:<28}{len(r.seconds):>5}/{n:<3}{r.cut(50):>8.2f}{r.cut(95):>8.2f}"
                     f"{max(r.seconds, default=float('nan')):>8.2f}{r.server_errors:>6d}"
                     f"{ratio:>14}")
    print("\n".join(lines), flush=True)


# ---- the long run ----------------------------------------------------------------------------
def make_sensors(n: int) -> None:
    """The bench's gateway at the province's first enterprise, with n level sensors."""
    gateway_remove(GATEWAY)
    enterprise = Enterprise.objects.order_by("pk").first()
    if enterprise is None:
        raise SystemExit("no enterprises: run `manage.py load_demo` first")
    gateway = gateway_create(enterprise=enterprise, code=GATEWAY, name="bench",
                             geom=enterprise.geom)
    for i in range(n):
        sensor_create(gateway=gateway, point=f"SC-{i}.level", name=f"SC-{i}", indicator="level",
                      measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                      threshold_hh=18, geom=enterprise.geom)


def high_high(i: int) -> None:
    """Eight readings past HH on sensor i, a second apart, ending now (bench.events')."""
    now = datetime.now(UTC)
    ms, seq0 = int(now.timestamp() * 1000), i * 8 + 1
    records = [{"seq": seq0 + k, "kind": "reading", "point": f"SC-{i}.level",
                "ts": ms - (7 - k) * 1000, "value": 19.0 + k / 10, "quality": "good",
                "unit": "", "reason": ""} for k in range(8)]
    batch_store({"v": 1, "kind": "batch", "gateway": GATEWAY, "records": records,
                 "first_seq": seq0, "last_seq": seq0 + 7}, now=now)


def feed(n: int, every: float, stop: threading.Event) -> threading.Thread:
    def work() -> None:
        from django.db import connection
        start = time.monotonic()
        try:
            for i in range(n):
                if stop.is_set():
                    return
                high_high(i)
                time.sleep(max(0.0, start + (i + 1) * every - time.monotonic()))
        finally:
            connection.close()
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


async def measure(cdp) -> dict:
    await cdp.send("HeapProfiler.collectGarbage")
    heap = await cdp.send("Runtime.getHeapUsage")
    dom = await cdp.send("Memory.getDOMCounters")
    return {"heap": heap["usedSize"] + heap.get("embedderHeapUsedSize", 0),
            "nodes": dom["nodes"], "listeners": dom["jsEventListeners"]}


def long_run(args) -> None:
    n = int(args.minutes * 60 * args.rate)
    make_sensors(n)
    samples: list[tuple[float, int, dict]] = []
    try:
        with common.site(workers=args.workers) as site:
            async def work(browser):
                cookie = (await asyncio.to_thread(session_cookies, 1))[0]
                context = await browser.new_context(viewport={"width": 1920, "height": 1080},
                                                    locale="zh-CN")
                await context.add_cookies([{"name": "sessionid", "value": cookie,
                                            "url": site.base}])
                page = await context.new_page()
                await page.goto(site.url("/dash/screen/"))
                await page.wait_for_function(
                    "() => window.SafeAtlas?.screen?.stream?.readyState === 1", timeout=120_000)
                cdp = await context.new_cdp_session(page)
                stop = threading.Event()
                thread = feed(n, 1 / args.rate, stop)
                start = time.monotonic()
                try:
                    while thread.is_alive():
                        events = await page.evaluate("() => window.SafeAtlas.screen.events")
                        m = await measure(cdp)
                        samples.append((time.monotonic() - start, events, m))
                        print(f"{samples[-1][0]:8.0f} s {events:7d} events "
                              f"{m['heap'] / 2**20:8.2f} MB {m['nodes']:6d} nodes "
                              f"{m['listeners']:5d} listeners", flush=True)
                        await asyncio.sleep(args.sample)
                finally:
                    stop.set()
                    thread.join(30)
                await asyncio.sleep(3)
                events = await page.evaluate("() => window.SafeAtlas.screen.events")
                samples.append((time.monotonic() - start, events, await measure(cdp)))
            asyncio.run(with_browser(work))
    finally:
        gateway_remove(GATEWAY)
    report_growth(samples)


def report_growth(samples: list[tuple[float, int, dict]]) -> None:
    """From the first sample with a full list (50 rows: ~100 events) on: the heap's
    least-squares slope while events arrive, and the last sample (quiet, 3 s after them)
    beside the first."""
    full = [s for s in samples[:-1] if s[1] >= 100] or samples[:-1]
    (_t0, _e0, m0), (t1, e1, m1) = full[0], samples[-1]
    mb = [(t, m["heap"] / 2**20) for t, _e, m in full]
    mean_t, mean_h = (sum(x) / len(mb) for x in zip(*mb, strict=True))
    var = sum((t - mean_t) ** 2 for t, _h in mb)
    slope = sum((t - mean_t) * (h - mean_h) for t, h in mb) / var * 3600 if var else 0.0
    print(f"long run: {e1} events over {t1 / 60:.1f} min; from a full list on: heap "
          f"{m0['heap'] / 2**20:.2f} MB -> {m1['heap'] / 2**20:.2f} MB at rest "
          f"(max {max(h for _t, h in mb):.2f} MB, slope while fed {slope:+.2f} MB/h), "
          f"DOM nodes {m0['nodes']} -> {m1['nodes']}, listeners {m0['listeners']} -> "
          f"{m1['listeners']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="visits per page and size")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0, help="per page, seconds")
    parser.add_argument("--minutes", type=float, help="long run: record the heap this long")
    parser.add_argument("--rate", type=float, default=1.0, help="long run: warnings a second")
    parser.add_argument("--sample", type=float, default=30.0, help="long run: seconds apart")
    args = parser.parse_args()
    database = urllib.parse.urlparse(common.database_url()).path.lstrip("/")
    print(f"bench.screen as {USERNAME!r} on {database}", flush=True)
    if args.minutes:
        long_run(args)
    else:
        first_paint(args)


if __name__ == "__main__":
    main()
