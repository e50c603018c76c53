"""The Content-Security-Policy header: scripts from the site or carrying the request's
nonce, which every inline script we write carries (templates, Dash's index); page maps
have none (their configuration is a data attribute, layers/maps.py).
The browser tests (tests/browser.py) fail on any refusal, so every page they walk is
checked under this policy in a real browser."""

from __future__ import annotations

import re

from django.test import Client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def nonce_of(response) -> str:
    [source] = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    return source[len("'nonce-"):-1]


def test_the_policy(world):
    directives = policy(Client().get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # a page without inline script: no nonce
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["worker-src"] == ["'self'", "blob:"]
    assert directives["connect-src"] == ["'self'"]


def inline_scripts(response) -> list[str]:
    return [t for t in re.findall(r"<script[^>]*>", response.content.decode())
            if "src=" not in t and 'type="application/json"' not in t]


def test_the_enterprise_page_and_its_map_have_no_inline_script(world):
    response = signed_in(world.users["province"]).get(
        f"/enterprises/{world.enterprises_a[0].pk}/")
    html = response.content.decode()
    assert 'class="page-map"' in html and inline_scripts(response) == []
    assert "onchange=" not in html


def test_the_floor_plan_page_map_script_carries_the_nonce(world):
    response = signed_in(world.users["county_a"]).get("/floorplans/")
    assert 'class="page-map"' in response.content.decode()
    assert inline_scripts(response) == [f'<script nonce="{nonce_of(response)}">']


def test_the_nonce_changes_with_every_response(world):
    client = signed_in(world.users["province"])
    page = "/floorplans/"
    assert nonce_of(client.get(page)) != nonce_of(client.get(page))


def test_dash_index_scripts_carry_the_nonce(world):
    response = signed_in(world.users["county_a"]).get("/dash/onemap/")
    nonce = nonce_of(response)
    html = re.sub(r"<!--.*?-->", "", response.content.decode(), flags=re.S)  # IE-only notes
    inline = [t for t in re.findall(r"<script[^>]*>", html)
              if "src=" not in t and 'type="application/json"' not in t]
    assert inline and all(f'nonce="{nonce}"' in t for t in inline), inline
