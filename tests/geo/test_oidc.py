"""Single sign-on (ADR 0026) through the site's own pages and endpoints, in process: the
consent page, what the provider refuses (PKCE missing, plain or wrong, a code used twice,
a foreign redirect URI, other grants, a locked, expired or deactivated user), and how its
access tokens meet the API. The whole flow over HTTP is test_oidc_flow.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from geo.models import SecurityEvent, User
from tests.geo import oidc_client as rp
from tests.geo.signin import post_password

ITEMS = "/ogc/collections/enterprises/items?f=json&limit=50"


@pytest.fixture
def app(world) -> Application:
    return rp.application()


@pytest.fixture
def trusted(world) -> Application:
    return rp.application("应急指挥系统", client_id="command", trusted=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def code_for(client: Client, request: rp.Request) -> str:
    """A code from a trusted application (no consent page)."""
    answer = client.get(f"/o/authorize/?{request.query()}")
    assert answer.status_code == 302, answer.content.decode()
    return rp.callback(answer["Location"])["code"]


def token_post(data: dict) -> tuple[int, dict]:
    answer = Client().post("/o/token/", data)
    return answer.status_code, answer.json()


def tokens_for(world, scope: str = "openid jurisdiction read", user: str = "county_a") -> dict:
    request = rp.Request(client_id="command", scope=scope)
    code = code_for(signed_in(world.users[user]), request)
    status, body = token_post(rp.code_exchange(code, request))
    assert status == 200, body
    return body


def refused(**detail) -> bool:
    events = SecurityEvent.objects.filter(kind="oauth_refused")
    return any(all(event.detail.get(k) == v for k, v in detail.items()) for event in events)


def test_the_consent_page_is_ours_and_a_refusal_is_logged(world, app):
    client = signed_in(world.users["county_a"])
    request = rp.Request()
    page = client.get(f"/o/authorize/?{request.query()}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "“执法系统”请求使用您的安全图谱账号登录" in text
    assert "您当前以 county_a 的身份登录" in text
    assert "以您的身份读取数据（接口、地图服务、瓦片）" in text
    assert 'class="top"' in text  # the site's own header: base.html
    denied = client.post("/o/authorize/", {
        "client_id": "enforcement", "redirect_uri": rp.REDIRECT, "response_type": "code",
        "scope": request.scope, "state": request.state, "nonce": request.nonce,
        "code_challenge": request.challenge, "code_challenge_method": "S256"})
    back = rp.callback(denied["Location"])
    assert (back["error"], back["state"]) == ("access_denied", request.state)
    assert "code" not in back
    assert refused(step="authorize", client="enforcement", error="access_denied")


def test_a_trusted_application_gets_its_code_without_consent(world, trusted):
    request = rp.Request(client_id="command")
    code = code_for(signed_in(world.users["county_a"]), request)
    status, body = token_post(rp.code_exchange(code, request))
    assert status == 200 and body["access_token"]
    issued = SecurityEvent.objects.get(kind="oauth_issued")
    assert (issued.username, issued.detail["client"], issued.detail["grant"]) == (
        "county_a", "command", "authorization_code")


def test_anonymous_and_half_signed_in_callers_are_sent_to_sign_in(world, trusted, settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor"]
    query = rp.Request(client_id="command").query()
    assert Client().get(f"/o/authorize/?{query}")["Location"].startswith(
        "/accounts/login/?next=/o/authorize/%3F")
    client = Client()
    assert post_password(client, "county_a")["Location"] == "/accounts/second-factor/"
    assert client.get(f"/o/authorize/?{query}")["Location"].startswith("/accounts/login/")


def test_a_wrong_verifier_is_refused_and_logged(world, trusted):
    request = rp.Request(client_id="command")
    code = code_for(signed_in(world.users["county_a"]), request)
    status, body = token_post(rp.code_exchange(code, request, verifier=rp.pkce()[0]))
    assert (status, body["error"]) == (400, "invalid_grant")
    assert refused(step="token", client="command", error="invalid_grant")
    assert not SecurityEvent.objects.filter(kind="oauth_issued").exists()


@pytest.mark.parametrize("method", ["plain", None])
def test_plain_or_missing_pkce_gets_no_code(world, trusted, method):
    request = rp.Request(client_id="command", method=method)
    if method == "plain":
        request.challenge = request.verifier
    answer = signed_in(world.users["county_a"]).get(f"/o/authorize/?{request.query()}")
    back = rp.callback(answer["Location"])
    assert back["error"] == "invalid_request" and "code" not in back
    assert refused(step="authorize", error="invalid_request")


def test_a_code_is_used_once(world, trusted):
    request = rp.Request(client_id="command")
    code = code_for(signed_in(world.users["county_a"]), request)
    assert token_post(rp.code_exchange(code, request))[0] == 200
    status, body = token_post(rp.code_exchange(code, request))
    assert (status, body["error"]) == (400, "invalid_grant")


def test_a_foreign_redirect_uri_is_refused_on_our_page(world, trusted):
    request = rp.Request(client_id="command", redirect_uri="http://evil.example.test/cb")
    answer = signed_in(world.users["county_a"]).get(f"/o/authorize/?{request.query()}")
    assert answer.status_code == 400  # shown here, never redirected to the stranger
    assert "无法完成统一认证" in answer.content.decode()
    assert refused(step="authorize", client="command")
    good = rp.Request(client_id="command")
    code = code_for(signed_in(world.users["county_a"]), good)
    form = rp.code_exchange(code, good) | {"redirect_uri": "http://client.example.test/other"}
    assert token_post(form)[0] == 400


def test_a_public_client_exchanges_with_pkce_alone(world):
    rp.application("移动执法", client_id="mobile", public=True, trusted=True)
    request = rp.Request(client_id="mobile")
    code = code_for(signed_in(world.users["county_a"]), request)
    status, body = token_post(rp.code_exchange(code, request, secret=None))
    assert status == 200 and body["id_token"]


@pytest.mark.parametrize("grant, form", [
    (Application.GRANT_CLIENT_CREDENTIALS, {"grant_type": "client_credentials"}),
    (Application.GRANT_PASSWORD, {"grant_type": "password", "username": "county_a",
                                  "password": "pw-county_a"}),
])
def test_grants_other_than_the_code_are_refused(world, grant, form):
    rp.application("旧系统", client_id="legacy", grant=grant)
    status, body = token_post(form | {"client_id": "legacy", "client_secret": rp.SECRET})
    assert status in (400, 401) and body["error"] in ("unauthorized_client",
                                                      "unsupported_grant_type")
    assert not AccessToken.objects.exists()


def test_a_locked_out_user_gets_no_code(world, trusted, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_password(Client(), "county_a", "wrong")
    client = Client()
    query = rp.Request(client_id="command").query()
    assert post_password(client, "county_a", next_url=f"/o/authorize/?{query}"
                         ).status_code == 429
    assert client.get(f"/o/authorize/?{query}")["Location"].startswith("/accounts/login/")


def test_an_expired_password_is_changed_before_any_code(world, trusted):
    user = world.users["county_a"]
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=400))
    client = Client()
    query = rp.Request(client_id="command").query()
    step = post_password(client, "county_a", next_url=f"/o/authorize/?{query}")
    assert step["Location"] == "/accounts/login/password/"
    assert client.get(f"/o/authorize/?{query}")["Location"].startswith("/accounts/login/")


def test_a_deactivated_users_tokens_open_nothing(world, trusted):
    tokens = tokens_for(world, "openid profile read")
    User.objects.filter(pk=world.users["county_a"].pk).update(is_active=False)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert Client().get(ITEMS, **bearer).status_code == 401
    assert Client().get("/o/userinfo/", **bearer).status_code == 401
    status, body = token_post(rp.refresh_form(tokens["refresh_token"], "command"))
    assert (status, body["error"]) == (400, "invalid_grant")


def test_access_tokens_read_only_unless_write_and_only_with_a_data_scope(world, trusted):
    read = {"HTTP_AUTHORIZATION": f"Bearer {tokens_for(world)['access_token']}"}
    items = Client().get(ITEMS, **read)
    assert items.status_code == 200
    assert len(items.json()["features"]) == 5  # county A's
    assert Client().post("/inbox/read-all/", **read).status_code == 403
    login_only = tokens_for(world, "openid profile")["access_token"]
    assert Client().get(ITEMS, HTTP_AUTHORIZATION=f"Bearer {login_only}").status_code == 401
    writer = tokens_for(world, "openid read write")["access_token"]
    answer = Client().post("/inbox/read-all/", HTTP_AUTHORIZATION=f"Bearer {writer}")
    assert (answer.status_code, answer["Location"]) == (302, "/inbox/")


# ---- RP-initiated logout -----------------------------------------------------------------
SIGNED_OUT = "http://client.example.test/signed-out"


def _signed_in_with_id_token(world, trusted) -> tuple[Client, str]:
    trusted.post_logout_redirect_uris = SIGNED_OUT
    trusted.save()
    client, request = signed_in(world.users["county_a"]), rp.Request(client_id="command")
    status, body = token_post(rp.code_exchange(code_for(client, request), request))
    assert status == 200
    return client, body["id_token"]


def _still_signed_in(client: Client) -> bool:
    return client.get("/accounts/tokens/").status_code == 200


def test_a_system_signs_its_user_out_of_safeatlas_after_confirmation(world, trusted):
    discovery = Client().get("/o/.well-known/openid-configuration").json()
    assert discovery["end_session_endpoint"].endswith("/o/logout/")
    client, id_token = _signed_in_with_id_token(world, trusted)
    query = {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT,
             "state": "s-1"}
    page = client.get("/o/logout/", query)
    assert page.status_code == 200 and 'id="sso-logout"' in page.content.decode()
    assert "“应急指挥系统”请求退出登录" in page.content.decode()
    assert "http://client.example.test" in page["Content-Security-Policy"]
    form = {**query, "client_id": "", "logout_hint": "", "ui_locales": "", "allow": "1"}
    answer = client.post("/o/logout/", form)
    assert (answer.status_code, answer["Location"]) == (302, SIGNED_OUT + "?state=s-1")
    assert not _still_signed_in(client)
    assert not AccessToken.objects.filter(user=world.users["county_a"],
                                          application=trusted).exists()
    assert SecurityEvent.objects.filter(kind="logout", user=world.users["county_a"]).exists()


def test_staying_signed_in_or_a_foreign_return_address_ends_nothing(world, trusted):
    client, id_token = _signed_in_with_id_token(world, trusted)
    stay = client.post("/o/logout/", {"id_token_hint": id_token, "client_id": "",
                                      "post_logout_redirect_uri": SIGNED_OUT, "state": "",
                                      "logout_hint": "", "ui_locales": ""})
    foreign = client.get("/o/logout/", {"id_token_hint": id_token,
                                        "post_logout_redirect_uri": "https://evil.example/"})
    for answer in (stay, foreign):
        assert answer.status_code == 400 and "无法完成退出" in answer.content.decode()
    assert _still_signed_in(client)
    assert AccessToken.objects.filter(user=world.users["county_a"], application=trusted).exists()
