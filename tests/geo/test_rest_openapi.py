"""The REST API's OpenAPI document (/api/openapi): valid, matching the URLconf both ways,
and a bounded, deterministic schemathesis run over it."""

from __future__ import annotations

import json
import re

import schemathesis
from django.urls import resolve
from openapi_spec_validator import validate

from geo.models import TokenAccess
from geo.openapi import documented_routes, route_template, routes
from geo.tokens import token_create
from tests.fuzz import fuzz

OPENAPI = "/api/openapi"
SAMPLE = {"layers": "enterprises", "layer_id": "enterprises", "fmt": "geojson",
          "source": "floor_plans", "item": "1", "z": "1", "x": "1", "y": "1"}
# URL prefixes whose every view is part of the REST API and must be documented
EXAMPLES = 40  # six operations: more cases each than the OGC API's many
REST_PREFIXES = ("api/", "tiles/", "layers/<slug:layer_id>/export")


def _document(client) -> dict:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    return json.loads(response.content)


def test_document_is_valid_and_self_contained(client, db):
    document = _document(client)
    validate(document)
    refs = re.findall(r'"\$ref":\s*"([^"]+)"', json.dumps(document))
    assert refs and all(ref.startswith("#/") for ref in refs)
    assert document["servers"] == [{"url": "http://testserver"}]


def test_every_documented_path_is_routed_to_its_view(client, db):
    for path in _document(client)["paths"]:
        concrete = re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], path)
        assert hasattr(resolve(concrete).func, "openapi_operation"), path


def test_every_rest_route_is_documented(db):
    documented = {path for path, _ in documented_routes()}
    rest = [route for route, _view in routes()
            if route.lstrip("^").startswith(REST_PREFIXES) and route != "api/openapi"]
    assert len(rest) >= 6
    assert [r for r in rest if route_template(r) not in documented] == []


def test_route_templates():
    assert route_template("tiles/^(?P<layers>[^/]+)\\.json$") == "/tiles/{layers}.json"
    assert route_template("layers/<slug:layer_id>/export.<slug:fmt>") == \
        "/layers/{layer_id}/export.{fmt}"
    assert route_template("tiles/^(?P<item>[0-9]{1,12})/(?P<z>[^/]+)\\.png$") == \
        "/tiles/{item}/{z}.png"


def test_fuzz_public(world, wsgi_app):
    fuzz(schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app), {}, examples=EXAMPLES)


def test_fuzz_scoped_token(world, wsgi_app):
    key = token_create(user=world.users["county_a"], name="fuzz", access=TokenAccess.READ)
    headers = {"Authorization": f"Token {key}"}
    fuzz(schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app, headers=headers), headers,
         examples=EXAMPLES)
