"""CORS in a real browser: a plain MapLibre page on another origin (a second loopback port)
draws the live server's style.json and tiles and fetches OGC API items; from an unlisted
origin only anonymously (public layers), from a listed one with a token in the header.

Headless Debian chromium; MapLibre GL JS from var/vendor (`make install`,
scripts/vendor-js.sh), so the page loads nothing from outside this machine.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.browser import chromium_page

CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
VENDOR = Path(settings.BASE_DIR) / "var" / "vendor" / "maplibre-gl"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cross-origin map</title>
<link rel="stylesheet" href="maplibre-gl.css"><script src="maplibre-gl.js"></script>
<style>html, body, #map { margin: 0; width: 100%; height: 100%; }</style></head>
<body><div id="map"></div><script>
const params = new URLSearchParams(location.search);
const server = params.get("server"), token = params.get("token"), layers = params.get("layers");
window.mapErrors = [];
window.map = new maplibregl.Map({
  container: "map", center: [118.5, 32.25], zoom: 9,
  style: server + "/tiles/style.json" + (layers ? "?layers=" + layers : ""),
  // the token goes in a header, never into a URL another origin could leak
  transformRequest: (url) => token && url.startsWith(server)
    ? {url, headers: {Authorization: "Bearer " + token}} : {url},
});
map.on("error", (event) => mapErrors.push(String(event.error && event.error.message)));
</script></body></html>
"""

FEATURE_IDS = """(layer) => {
  if (!window.map || !map.loaded()) return null;
  const ids = map.querySourceFeatures(layer, {sourceLayer: layer})
    .map((f) => f.id ?? f.properties.code);  // divisions: keyed by their code
  return ids.length ? [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null;
}"""

FETCH = """async ([url, token]) => {
  try {
    const response = await fetch(url, token ? {headers: {Authorization: "Bearer " + token}} : {});
    const crs = response.headers.get("Content-Crs");  // readable only if exposed
    return [response.status, (await response.json()).numberReturned, crs];
  } catch (error) {
    return [error.name];  // the browser refused to hand the answer to this page
  }
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002  (the base class's name)
        pass


@pytest.fixture
def other_origin(tmp_path) -> Iterator[str]:
    """http://127.0.0.1:<free port>: the page and MapLibre, served by http.server."""
    assert (VENDOR / "maplibre-gl.js").is_file(), "run `make install` (scripts/vendor-js.sh)"
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        (tmp_path / name).symlink_to(VENDOR / name)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _open(browser, origin: str, live_server, **query) -> None:
    browser.page.goto(f"{origin}/index.html?{urlencode({'server': live_server.url, **query})}")


@pytest.mark.browser
def test_unlisted_origin_draws_public_layers_and_reads_them_anonymously(
        live_server, world, other_origin, settings):
    settings.CORS_ORIGINS = frozenset({"https://map.example.gov.cn"})
    items = f"{live_server.url}/ogc/collections"
    token = world.tokens["admin"]
    with chromium_page() as browser:
        _open(browser, other_origin, live_server)
        page = browser.page
        page.wait_for_function(FEATURE_IDS, arg="divisions", timeout=30_000)
        drawn = page.evaluate(FEATURE_IDS, "divisions")
        assert set(drawn) <= {world.province.pk, world.city.pk, world.county_a.pk,
                              world.county_b.pk} and len(drawn) >= 2
        assert page.evaluate("() => mapErrors") == []
        assert page.evaluate(FETCH, [f"{items}/divisions/items", None]) == [200, 4, CRS84]
        # a token from a page that is not listed: refused, in a header or in the URL
        assert page.evaluate(FETCH, [f"{items}/enterprises/items", token]) == ["TypeError"]
        assert page.evaluate(FETCH, [f"{items}/enterprises/items?token={token}", None]) \
            == ["TypeError"]
    assert browser.outside == []


@pytest.mark.browser
def test_listed_origin_draws_scoped_layers_with_a_header_token(
        live_server, world, other_origin, settings):
    settings.CORS_ORIGINS = frozenset({other_origin})
    token = world.tokens["county_a"]
    with chromium_page() as browser:
        _open(browser, other_origin, live_server, token=token, layers="enterprises,divisions")
        page = browser.page
        page.wait_for_function(
            f"() => ({FEATURE_IDS})('enterprises')?.length === 5", timeout=30_000)
        assert page.evaluate(FEATURE_IDS, "enterprises") \
            == sorted(e.pk for e in world.enterprises_a)  # county A's scope, not B's
        assert page.evaluate("() => mapErrors") == []
        items = f"{live_server.url}/ogc/collections/enterprises/items"
        assert page.evaluate(FETCH, [items, token]) == [200, 5, CRS84]
    assert browser.outside == []
