"""Single sign-on end to end (ADR 0026): another system logs a county supervisor in
through SafeAtlas over real HTTP against a live server — discovery, sign-in with the
second factor, consent, code, token exchange with the PKCE verifier, the ID token checked
against the JWKS, userinfo, the access token on the OGC API (scoped), refresh rotation
with reuse detection, revocation. The events land in the security-event log."""

from __future__ import annotations

import re
import time

import pytest
import requests

from geo.models import Role, SecurityEvent
from layers.ogc.service import forget_apis
from tests.geo import oidc_client as rp
from tests.geo.signin import bind_device, totp_code


@pytest.fixture
def site(transactional_db, live_server, settings, world):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url  # pygeoapi's links
    settings.OTP_REQUIRED_ROLES = [Role.COUNTY]  # this county supervisor needs a code
    forget_apis()
    # the first request imports the URLconf, which builds the Dash apps: not what is timed
    requests.get(f"{live_server.url}/o/.well-known/openid-configuration", timeout=180)
    yield live_server.url
    forget_apis()


def _sign_in(browser: requests.Session, site: str, next_url: str, device) -> None:
    """The login page's two steps, as a browser posts them; the last one sends the
    browser back to `next_url` (the authorization request)."""
    browser.get(f"{site}/accounts/login/")
    step = browser.post(f"{site}/accounts/login/", allow_redirects=False, data={
        "username": "county_a", "password": "pw-county_a", "next": next_url,
        "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert step.headers["Location"] == "/accounts/login/verify/"
    # Half-way (password, no code yet): the provider sends the browser to sign in again.
    early = browser.get(site + next_url, allow_redirects=False)
    assert early.headers["Location"].startswith("/accounts/login/?next=/o/authorize/")
    done = browser.post(f"{site}/accounts/login/verify/", allow_redirects=False, data={
        "code": totp_code(device), "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert done.headers["Location"] == next_url


def _consent(browser: requests.Session, site: str, authorize: str) -> dict[str, str]:
    page = browser.get(site + authorize, allow_redirects=False)
    assert page.status_code == 200
    assert "“执法系统”请求使用您的安全图谱账号登录" in page.text
    assert "管辖区域、角色和所属单位" in page.text
    assert "form-action 'self' http://client.example.test" in page.headers[
        "Content-Security-Policy"]
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    form |= {"allow": "1", "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    answer = browser.post(site + "/o/authorize/", data=form, allow_redirects=False)
    assert answer.status_code == 302
    return rp.callback(answer.headers["Location"])


def test_a_system_signs_a_supervisor_in_with_code_and_pkce(site, world):
    app = rp.application()
    device = bind_device(world.users["county_a"])
    discovery = requests.get(f"{site}/o/.well-known/openid-configuration", timeout=30).json()
    issuer = f"{site}/o"
    assert (discovery["issuer"], discovery["token_endpoint"], discovery["jwks_uri"]) == (
        issuer, f"{issuer}/token/", f"{issuer}/.well-known/jwks.json")
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["id_token_signing_alg_values_supported"][0] == "RS256"
    assert {"division_code", "jurisdiction_prefix", "role"} <= set(discovery["claims_supported"])

    request = rp.Request()
    authorize = f"/o/authorize/?{request.query()}"
    browser = requests.Session()
    first = browser.get(site + authorize, allow_redirects=False)
    assert first.headers["Location"].startswith("/accounts/login/?next=/o/authorize/")
    _sign_in(browser, site, authorize, device)
    back = _consent(browser, site, authorize)
    assert (back["state"], back["iss"]) == (request.state, issuer)

    tokens = requests.post(discovery["token_endpoint"], data=rp.code_exchange(
        back["code"], request), timeout=30)
    assert tokens.status_code == 200, tokens.text
    tokens = tokens.json()
    assert (tokens["token_type"], tokens["expires_in"]) == ("Bearer", 600)
    assert set(tokens["scope"].split()) == {"openid", "profile", "email", "jurisdiction",
                                            "read"}
    claims = rp.id_token_claims(tokens["id_token"],
                                requests.get(discovery["jwks_uri"], timeout=30).json())
    user = world.users["county_a"]
    assert (claims["iss"], claims["aud"], claims["nonce"], claims["sub"]) == (
        issuer, app.client_id, request.nonce, str(user.pk))
    assert 590 <= claims["exp"] - time.time() <= 600
    assert (claims["division_code"], claims["division_name"], claims["jurisdiction_prefix"],
            claims["role"], claims["preferred_username"]) == (
        "320101000000", "甲县", "320101", "county_supervisor", "county_a")

    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    info = requests.get(discovery["userinfo_endpoint"], headers=bearer, timeout=30).json()
    assert (info["sub"], info["division_code"], info["role"]) == (
        str(user.pk), "320101000000", "county_supervisor")

    items = requests.get(f"{site}/ogc/collections/enterprises/items?f=json&limit=50",
                         headers=bearer, timeout=30)
    assert items.status_code == 200, items.text
    assert sorted(f["properties"]["name"] for f in items.json()["features"]) == sorted(
        e.name for e in world.enterprises_a)  # county A's five, none of county B's

    _rotate_and_revoke(site, discovery, tokens)
    kinds = list(SecurityEvent.objects.filter(kind__startswith="oauth").order_by("id")
                 .values_list("kind", "username", "detail__grant"))
    assert kinds[:2] == [("oauth_issued", "county_a", "authorization_code"),
                         ("oauth_issued", "county_a", "refresh_token")]
    assert ("oauth_refused", "", "refresh_token") in kinds


def _rotate_and_revoke(site: str, discovery: dict, tokens: dict) -> None:
    """A refresh replaces both tokens; the replaced refresh token used again is refused
    and takes its successors down with it; a revoked access token opens nothing."""
    token_url = discovery["token_endpoint"]
    fresh = requests.post(token_url, data=rp.refresh_form(tokens["refresh_token"]),
                          timeout=30).json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert fresh["access_token"] != tokens["access_token"]
    old = {"Authorization": f"Bearer {tokens['access_token']}"}
    new = {"Authorization": f"Bearer {fresh['access_token']}"}
    collection = f"{site}/ogc/collections/enterprises/items?f=json"
    assert requests.get(collection, headers=new, timeout=30).status_code == 200
    assert requests.get(collection, headers=old, timeout=30).status_code == 401

    revoked = requests.post(f"{site}/o/revoke_token/", timeout=30, data={
        "token": fresh["access_token"], "token_type_hint": "access_token",
        "client_id": "enforcement", "client_secret": rp.SECRET})
    assert revoked.status_code == 200
    assert requests.get(collection, headers=new, timeout=30).status_code == 401
    assert requests.get(discovery["userinfo_endpoint"], headers=new,
                        timeout=30).status_code == 401

    again = requests.post(token_url, data=rp.refresh_form(tokens["refresh_token"]), timeout=30)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    # revoking the access token revoked its refresh token too (RFC 7009 §2.1)
    later = requests.post(token_url, data=rp.refresh_form(fresh["refresh_token"]), timeout=30)
    assert later.status_code == 400
