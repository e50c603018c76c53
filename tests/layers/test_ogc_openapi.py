"""The OGC API's OpenAPI document: self-contained, valid, only what answers; and a bounded,
deterministic schemathesis run over it (no 5xx; status, content type and body as documented).
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.urls import resolve
from openapi_spec_validator import validate

from geo.models import TokenAccess
from geo.tokens import token_create
from tests.fuzz import fuzz

OPENAPI = "/ogc/openapi?f=json"



def _document(client, **headers) -> dict:
    response = client.get(OPENAPI, **headers)
    assert response.status_code == 200
    return json.loads(response.content)


def test_document_is_self_contained_and_valid(client, world):
    auth = {"HTTP_AUTHORIZATION": f"Token {world.tokens['county_a']}"}
    for document in (_document(client), _document(client, **auth)):
        refs = re.findall(r'"\$ref":\s*"([^"]+)"', json.dumps(document))
        assert refs and all(ref.startswith("#/") for ref in refs), \
            [ref for ref in refs if not ref.startswith("#/")]
        validate(document)  # openapi-spec-validator, offline: every $ref resolves locally


def test_document_advertises_only_what_answers(client, world):
    document = _document(client, HTTP_AUTHORIZATION=f"Token {world.tokens['admin']}")
    assert not [path for path in document["paths"] if path.startswith("/jobs")]
    for path, item in document["paths"].items():
        assert set(item) <= {"get", "parameters", "summary", "description"}, (path, set(item))
        resolve("/ogc" + re.sub(r"\{[^}]+\}", "1", path))  # raises Resolver404 if not routed
    items = document["paths"]["/collections/enterprises/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in items}
    assert {"filter", "filter-lang", "filter-crs", "sortby", "near", "radius"} <= names


@pytest.fixture
def county_token(world) -> dict:
    key = token_create(user=world.users["county_a"], name="fuzz", access=TokenAccess.READ)
    return {"Authorization": f"Token {key}"}


def test_fuzz_public(world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app)
    fuzz(schema, {})


def test_fuzz_scoped_token(wsgi_app, county_token):
    schema = schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app, headers=county_token)
    # every collection has the same operations: fuzz a point and a polygon layer fully
    fuzz(schema.include(path_regex=r"^/collections/(enterprises|hazard_sources)"), county_token)


@pytest.mark.browser
@pytest.mark.parametrize("ui", ["swagger", "redoc"])
def test_html_document_works_offline(live_server, world, ui):
    """`/ogc/openapi?f=html` drew nothing without internet (pygeoapi's page loads Swagger
    UI from unpkg.com and sets it up in an inline script the CSP refuses)."""
    from tests.browser import chromium_page, screenshot

    with chromium_page(viewport=(1920, 1080)) as browser:
        browser.page.goto(f"{live_server.url}/ogc/openapi?f=html&ui={ui}")
        browser.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        paths = browser.page.locator(".opblock-summary-path").all_inner_texts()
        screenshot(browser.page, f"ogc-openapi-{ui}", full_page=False)
    assert "/collections/divisions/items" in paths and "/conformance" in paths
    assert browser.outside == []
