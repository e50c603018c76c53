"""The portal (统一门户): signed-in users open their workbench at once, with locust, beside
Django's plain sign-in page and a static file from the same server in the same run.

    python -m bench.portal [--users 500 2000] [--seconds 30] [--think 5] [--workers 2]

Each virtual user holds a session of its own (made with `force_login` in a subprocess,
round-robin over the demo accounts province, city, county, park, grid, enterprise, analyst:
every level of government and a firm), waits `--think` seconds (uniform 0.5×–1.5×) between
pages as a person does, and GETs `/` — the role's home with its to-dos, figures, warnings
and notices. For each user count, three phases on the same site, one after the other:

  portal home      /                       signed in (the workload)
  login page       /accounts/login/        Django's form: a template, CSRF, no data (peer)
  static file      /static/geo/site.css    served by granian itself, no Python (ceiling)

Locust runs in this process (gevent, FastHttpUser); the site is granian with `--workers`
processes (as `make demo`). Figures: requests per second, mean, p50, p95, p99 (ms), errors,
and the home's mean and req/s against each peer. On a small shared machine the load
generator takes a core of its own: the ratio to the peers is the figure to compare.

Goal: 500 concurrent users, mean < 1 s; 2,000 reported with the distribution.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass

# locust patches the standard library for gevent on import: before anything opens a socket
import gevent  # noqa: I001
from locust import FastHttpUser, between, task
from locust.env import Environment

from bench import common

GOAL_USERS, GOAL_MEAN_MS = 500, 1000.0
ACCOUNTS = ["province", "city", "county", "park", "grid", "enterprise", "analyst"]
PHASES = [("static file", "/static/geo/site.css", False),
          ("login page", "/accounts/login/", False), ("portal home", "/", True)]

_SESSIONS = """
import json, sys, django
django.setup()
from django.conf import settings
from django.test import Client
from geo.models import User
accounts = {u.username: u for u in User.objects.filter(username__in=sys.argv[2:])}
cookies = []
for i in range(int(sys.argv[1])):
    client = Client()
    client.force_login(accounts[sys.argv[2 + i % (len(sys.argv) - 2)]])
    cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
print(json.dumps({"name": settings.SESSION_COOKIE_NAME, "cookies": cookies}))
"""


@dataclass
class Figures:
    name: str
    users: int
    requests: int
    rps: float
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def sessions(count: int) -> tuple[str, list[str]]:
    """`count` signed-in sessions of the demo accounts (cookie name, cookie values)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "geo.settings",
           "DATABASE_URL": common.database_url()}
    out = subprocess.run([str(common.VENV_BIN / "python"), "-c", _SESSIONS, str(count),
                          *ACCOUNTS], capture_output=True, text=True, check=True, env=env,
                         cwd=common.ROOT).stdout
    made = json.loads(out.strip().splitlines()[-1])
    return made["name"], made["cookies"]


def phase(base: str, name: str, path: str, *, users: int, cookies: list[str] | None,
          cookie_name: str, seconds: float, think: float) -> Figures:
    """`users` locust users GET `path` with `think` s pauses; measured after all started."""
    pool = list(cookies or [])

    class Visitor(FastHttpUser):
        host = base
        wait_time = between(think * 0.5, think * 1.5)
        connection_timeout = network_timeout = 120.0

        def on_start(self) -> None:
            self.headers = {"Cookie": f"{cookie_name}={pool.pop()}"} if cookies else {}

        @task
        def page(self) -> None:
            self.client.get(path, name=name, headers=self.headers)

    env = Environment(user_classes=[Visitor])
    runner = env.create_local_runner()
    rate = max(50.0, users / 10)  # all users in within ~10 s
    runner.start(users, spawn_rate=rate)
    started = time.monotonic()
    while runner.user_count < users and time.monotonic() - started < 120:
        gevent.sleep(0.5)
    gevent.sleep(think)  # every user past its first request: the steady state
    env.stats.reset_all()
    gevent.sleep(seconds)
    entry = env.stats.get(name, "GET")
    runner.quit()
    drain(base)
    return Figures(name, users, entry.num_requests, entry.num_requests / seconds,
                   entry.avg_response_time, entry.get_response_time_percentile(0.5),
                   entry.get_response_time_percentile(0.95),
                   entry.get_response_time_percentile(0.99), entry.num_failures)


def drain(base: str, *, within: float = 180.0) -> None:
    """Wait until the site has worked off what the phase left queued (requests of users
    that quit are still in granian's queue): the next phase must start on an idle site."""
    import urllib.request

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=within) as answer:
            answer.read()
        if time.monotonic() - started < 0.1:
            return
        gevent.sleep(1.0)


def print_figures(title: str, rows: list[Figures]) -> None:
    print(title)
    print(f"{'users':>6} {'workload':<14}{'req/s':>9}{'mean ms':>10}{'p50':>8}{'p95':>8}"
          f"{'p99':>8}{'errors':>8}{'mean vs login':>15}{'req/s vs login':>16}")
    peer = {r.users: r for r in rows if r.name == "login page"}
    for r in rows:
        p = peer.get(r.users)
        ratios = (f"{r.mean_ms / p.mean_ms:>14.2f}x{r.rps / p.rps:>15.2f}x"
                  if p and r is not p and p.mean_ms and p.rps else "")
        print(f"{r.users:>6} {r.name:<14}{r.rps:>9.1f}{r.mean_ms:>10.1f}{r.p50_ms:>8.0f}"
              f"{r.p95_ms:>8.0f}{r.p99_ms:>8.0f}{r.errors:>8d}{ratios}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[GOAL_USERS, 2000])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured, per phase")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between pages")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cookie_name, cookies = sessions(max(args.users))
    rows: list[Figures] = []
    with common.site(workers=args.workers, static=common.ROOT / "var" / "static") as site:
        for users in args.users:
            for name, path, signed_in in PHASES:
                random.shuffle(cookies)
                rows.append(phase(site.base, name, path, users=users,
                                  cookies=cookies[:users] if signed_in else None,
                                  cookie_name=cookie_name, seconds=args.seconds,
                                  think=args.think))
                print(f"  {users} users, {name}: done", file=sys.stderr, flush=True)
    print_figures(f"portal with locust ({args.workers} granian workers, think "
                  f"{args.think:g} s, {args.seconds:g} s measured per phase; ms)", rows)
    goal = next((r for r in rows if r.users == GOAL_USERS and r.name == "portal home"), None)
    if goal:
        verdict = "met" if goal.mean_ms < GOAL_MEAN_MS and not goal.errors else "NOT met"
        print(f"goal: {GOAL_USERS} users, portal home mean < {GOAL_MEAN_MS:.0f} ms: "
              f"{goal.mean_ms:.0f} ms, {goal.errors} errors — {verdict}")


if __name__ == "__main__":
    main()
