"""The one map under granian, the way `make demo` serves it: two fresh workers, many
requests at once. Dash 4.4 marks its server set-up done before it has registered the
component suites, so a worker's first concurrent requests used to answer 500 ("dash is
not a registered library") and the page stayed on "Loading..." for good."""

from __future__ import annotations

import pkgutil
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message

import pytest
from django.db import connection
from django.test import Client

from bench import common

ROUNDS = 3  # each URL this many times at once: more requests than a worker has threads
SUITES = "/dash/onemap/_dash-component-suites/"
VENDOR = common.ROOT / "dashboards" / "assets" / "vendor"


@pytest.fixture
def server(transactional_db, world, grid_cell):
    """granian with 2 workers on a free port, serving the test database (committed rows:
    the test is transactional)."""
    parts = urllib.parse.urlparse(common.database_url())
    url = urllib.parse.urlunparse(parts._replace(path=f"/{connection.settings_dict['NAME']}"))
    with common.site(workers=2, env={"DATABASE_URL": url}) as site:
        yield site


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def page_paths(cookie: str) -> list[str]:
    """The script and style URLs of the one map's page (as this process renders it: the same
    installed files, so the same fingerprints)."""
    html = Client(headers={"cookie": cookie}).get("/dash/onemap/").content.decode()
    scripts = re.findall(r'(?:src|href)="(/dash/onemap/(?:_dash-component-suites|assets)/[^"]+)"',
                         html)
    assets = sorted(s.rsplit("/assets/", 1)[1].split("?")[0] for s in scripts if "/assets/" in s)
    # every Dash page loads the shared assets/ folder (other pages' styles too; screen.js
    # idles without #screen)
    assert {"onemap.css", "onemap_map.js", "screen.css", "screen.js", "vendor/maplibre-gl.css",
            "vendor/maplibre-gl.js"} <= set(assets)
    return scripts


def get_all(site, paths: list[str], cookie: str) -> list[tuple[str, int, Message, bytes]]:
    """GET every path from its own thread, all released at once."""
    results: list = []
    barrier = threading.Barrier(len(paths))

    def get(path: str) -> None:
        request = urllib.request.Request(site.url(path), headers={"Cookie": cookie})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                results.append((path, response.status, response.headers,
                                response.read()))
        except urllib.error.HTTPError as error:
            results.append((path, error.code, error.headers, error.read()))

    threads = [threading.Thread(target=get, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.slow
def test_fresh_workers_answer_concurrent_first_requests(server, world):
    cookie = session_cookie(world.users["province"])
    paths = page_paths(cookie) + ["/dash/onemap/_dash-layout"]
    results = get_all(server, paths * ROUNDS, cookie)
    failed = sorted({(status, path) for path, status, _, _ in results if status != 200})
    assert failed == []

    # the suites are the installed files, cached by the browser for a year when their
    # URL carries Dash's fingerprint (a new release is a new URL)
    path, _, headers, body = next(r for r in results if "dash_renderer" in r[0])
    assert body == pkgutil.get_data("dash", "dash-renderer/build/dash_renderer.min.js")
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "javascript" in headers["Content-Type"]
    path, _, headers, body = next(r for r in results if "maplibre-gl.js" in r[0])
    assert body == (VENDOR / "maplibre-gl.js").read_bytes()  # the vendored file (ADR 0023)
    assert headers["ETag"] and "javascript" in headers["Content-Type"]


def test_only_dash_files_are_served(db):
    client = Client()
    for path in ["dash/dash.py", "dash/../geo/settings.py", "dash/dcc/__init__.py",
                 "geo/settings.py", "os/__init__.py"]:
        assert client.get(SUITES + path).status_code == 404, path
    for path in ["../onemap.py", "..%2Fonemap.py", "%2e%2e/views.py", "nothing.css"]:
        assert client.get("/dash/onemap/assets/" + path).status_code == 404, path


def test_dash_files_revalidate_without_a_fingerprint(db):
    client = Client()
    first = client.get("/dash/onemap/assets/onemap_map.js")
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    again = client.get("/dash/onemap/assets/onemap_map.js",
                       headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
