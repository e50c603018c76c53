"""The live event stream (/monitoring/events, ADR 0018) under granian: how many streams a
web server holds while its pages still answer, and the latency from a warning's commit
to its event at every open stream.

    .venv/bin/python -m bench.events [--streams 60] [--events 40]

Three servers on the same database (the demo's, or DATABASE_URL):
- `demo site`: as `make demo` serves it, 2 workers x 4 blocking threads, the default
  cap of EVENT_STREAMS_MAX=2 streams per worker. 8 streams are tried.
- `no cap`: the same with the cap at 4 per worker (every thread): what happens to pages
  when streams may take all threads.
- `events worker`: one granian worker for the stream only, `--blocking-threads N+4` and
  EVENT_STREAMS_MAX=N (what a deployment routes /monitoring/events to).
Pages are a Django view (`/api/openapi`), 40 GETs one at a time while the streams are
open; a page that takes more than 5 s counts as an error. Latency: `--events` HH level
series of separate sensors through the ingest's store (an alarm and its warning each),
one after another; from the commit to `warning.raised` received, at the first stream
and at the last of them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

from bench import common
from bench.gateways import gateway_remove
from bench.sse import Stream

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import connection  # noqa: E402

from geo.models import Division, Role, User  # noqa: E402
from geo.tokens import token_create  # noqa: E402
from monitoring.alarms.models import Alarm  # noqa: E402
from monitoring.devices.models import Gateway  # noqa: E402
from monitoring.devices.services import gateway_create, sensor_create  # noqa: E402
from monitoring.ingest.services import batch_store  # noqa: E402
from registry.enterprises.models import Enterprise  # noqa: E402

GATEWAY = "bench-events"
URL = "/monitoring/events"
PAGE = "/api/openapi"


def server(*, workers: int, threads: int, streams: int) -> common.Service:
    port = common.free_port()
    argv = [str(common.VENV_BIN / "granian"), "--interface", "wsgi", "geo.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--no-access-log", "--log-level", "warning"]
    env = {"DATABASE_URL": common.database_url(), "DEBUG": "0",
           "EVENT_STREAMS_MAX": str(streams)}
    return common.Service("events", argv, port=port, ready_path="/tiles/style.json",
                          env=env, timeout=120.0)


def open_streams(base: str, token: str, tries: int) -> tuple[list[Stream], int]:
    """Open up to `tries` streams (each waits for its `stream.ready`); (open, refused)."""
    opened, refused = [], 0
    for _ in range(tries):
        try:
            s = Stream(base + URL, {"Authorization": f"Token {token}"}, timeout=5)
        except OSError:
            refused += 1  # no thread answered in time
            continue
        if s.status == 200 and s.next(5).type == "stream.ready":
            opened.append(s)
        else:
            refused += 1
            s.close()
    return opened, refused


def pages(base: str, n: int = 40) -> tuple[list[float], int]:
    import http.client
    import urllib.parse
    host = urllib.parse.urlparse(base)
    times, errors = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=5)
            conn.request("GET", PAGE)
            ok = conn.getresponse().status == 200
            conn.close()
        except OSError:
            ok = False
        if ok:
            times.append(1000 * (time.perf_counter() - t0))
        else:
            errors += 1
    return times, errors


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def hold(name: str, svc: common.Service, token: str, tries: int) -> list[Stream]:
    streams, refused = open_streams(svc.base, token, tries)
    times, errors = pages(svc.base)
    print(f"{name:<16}{tries:>7}{len(streams):>6}{refused:>8}   {pct(times, 50):>8.1f}"
          f"{pct(times, 99):>9.1f}{errors:>8}", flush=True)
    return streams


def make_sensors(n: int) -> list[str]:
    enterprise = Enterprise.objects.exclude(organisation=None).order_by("pk").first()
    if enterprise is None:
        raise SystemExit("no enterprises: load the demo first (make demo-data)")
    gateway = gateway_create(enterprise=enterprise, code=GATEWAY, name="bench",
                             geom=enterprise.geom)
    points = [f"EV-{i}.level" for i in range(n)]
    for point in points:
        sensor_create(gateway=gateway, point=point, name=point, indicator="level",
                      measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                      threshold_hh=18, geom=enterprise.geom)
    return points


def high_high(point: str, seq0: int) -> None:
    """Eight readings past HH, a second apart, ending now: an alarm and its warning."""
    now = datetime.now(UTC)
    ms = int(now.timestamp() * 1000)
    records = [{"seq": seq0 + i, "kind": "reading", "point": point, "ts": ms - (7 - i) * 1000,
                "value": 19.0 + i / 10, "quality": "good", "unit": "", "reason": ""}
               for i in range(8)]
    batch_store({"v": 1, "kind": "batch", "gateway": GATEWAY, "records": records,
                 "first_seq": seq0, "last_seq": seq0 + 7}, now=now)


def latency(streams: list[Stream], points: list[str]) -> tuple[list[float], list[float]]:
    first, last = [], []
    for n, point in enumerate(points):
        for s in streams:
            s.pending()
        high_high(point, 1 + 8 * n)
        committed = time.monotonic()
        alarm = Alarm.objects.get(gateway=GATEWAY, sensor__point=point).pk
        got = []
        for s in streams:
            while True:
                e = s.next(10)
                if e.type == "warning.raised" and e.data["alarm"]["id"] == alarm:
                    got.append(1000 * (e.received - committed))
                    break
        first.append(min(got))
        last.append(max(got))
    return first, last


def county_user() -> User:
    """The demo's county supervisor, or one made for the county of the bench plant."""
    found = User.objects.filter(role=Role.COUNTY).order_by("pk").first()
    if found is not None:
        return found
    code = Gateway.objects.get(code=GATEWAY).division_code
    county = Division.objects.get(code=code[:6] + "000000")
    return User.objects.create_user("bench-events-county", role=Role.COUNTY, division=county)


def cleanup() -> None:
    gateway_remove(GATEWAY)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=60)
    parser.add_argument("--events", type=int, default=40)
    args = parser.parse_args(argv)
    cleanup()
    points = make_sensors(args.events)
    token = token_create(user=county_user(), name="bench-events")
    connection.close()
    print(f"{'server':<16}{'tried':>7}{'open':>6}{'refused':>8}   {'page p50':>8}"
          f"{'p99 ms':>9}{'errors':>8}", flush=True)
    try:
        for name, cap in (("demo site", 2), ("no cap", 4)):
            with server(workers=2, threads=4, streams=cap) as svc:
                for s in hold(name, svc, token, 8):
                    s.close()
        with server(workers=1, threads=args.streams + 4, streams=args.streams) as svc:
            streams = hold("events worker", svc, token, args.streams + 2)
            first, last = latency(streams, points)
            for s in streams:
                s.close()
        print(f"\nwarning committed -> event received, {len(points)} warnings, "
              f"{len(streams)} streams (goal < 2000 ms)")
        print(f"{'':<16}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for label, values in (("first stream", first), ("last stream", last)):
            print(f"{label:<16}{pct(values, 50):>9.1f}{pct(values, 99):>9.1f}"
                  f"{max(values):>9.1f}", flush=True)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
