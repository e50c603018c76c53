"""Geocoding (地理编码) against a tiny Nominatim-compatible server on loopback — the
only outside service faked here — through geopy, the services and the edit pages."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from registry.enterprises.geocoding import GeocoderUnavailable, geocode
from registry.enterprises.models import Enterprise
from registry.enterprises.services import enterprise_register

# address -> (lon, lat) the fake Nominatim knows
PLACES = {"甲县新路1号": (118.2345678, 32.3456789), "乙县远路9号": (118.8, 32.2)}


class _Nominatim(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802  (http.server's name)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append({"path": url.path, **query})
        if "/boom/" in url.path:
            self.send_error(500)
            return
        hit = PLACES.get(query.get("q", ""))
        body = [] if hit is None else [{
            "place_id": 1, "lat": str(hit[1]), "lon": str(hit[0]),
            "display_name": query["q"], "boundingbox": [str(hit[1]), str(hit[1]),
                                                       str(hit[0]), str(hit[0])]}]
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings):
    _Nominatim.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/nominatim"
    yield _Nominatim
    server.shutdown()
    server.server_close()


def test_geocode_asks_nominatim_and_returns_the_point(nominatim):
    point = geocode("甲县新路1号")
    assert (point.x, point.y, point.srid) == (118.2345678, 32.3456789, 4326)
    request = nominatim.requests[0]
    assert request["path"] == "/nominatim/search"
    assert (request["q"], request["format"]) == ("甲县新路1号", "json")
    assert geocode("无此地址") is None


def test_without_a_geocoder_nothing_is_asked(settings):
    settings.GEOCODER_URL = ""
    assert geocode("甲县新路1号") is None


def test_a_failing_geocoder_says_so(nominatim, settings):
    settings.GEOCODER_URL += "/boom"
    with pytest.raises(GeocoderUnavailable):
        geocode("甲县新路1号")


def test_registration_geocodes_a_missing_point(world, nominatim):
    from geo.credit_code import make_credit_code

    created = enterprise_register(actor=world.users["county_a"], values={
        "name": "地理编码公司", "credit_code": make_credit_code("91320101MA1X00009"),
        "industry": "C3311", "division_code": "320101002001", "address": "甲县新路1号"})
    assert (created.geom.x, created.geom.y) == (118.2345678, 32.3456789)


def test_geocode_button_fills_the_form_and_checks_the_division(world, nominatim):
    from tests.registry.enterprises.enterprise_forms import file_post

    own = world.enterprises_a[0]
    client = Client()
    client.force_login(world.users["county_a"])
    page = client.get(f"/enterprises/{own.pk}/edit")
    assert 'id="geocode"' in page.content.decode()
    response = client.post(f"/enterprises/{own.pk}/edit",
                           file_post(own, address="甲县新路1号", geocode="1"))
    form = response.context["forms"].main
    assert (form.data["lon"], form.data["lat"]) == ("118.234568", "32.345679")
    own.refresh_from_db()
    assert own.address == "测试路1号"  # geocoding only fills the form
    # an address that lands in county B is refused on save, naming the location
    response = client.post(f"/enterprises/{own.pk}/edit",
                           file_post(own, address="乙县远路9号", lon="118.8", lat="32.2"))
    assert "不在企业所属区划" in response.context["forms"].main.errors["lon"][0]
    assert Enterprise.objects.get(pk=own.pk).geom.x == pytest.approx(own.geom.x)
