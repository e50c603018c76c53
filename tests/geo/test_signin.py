"""Sign-in: password, second factor for the roles that need it (enrolment on first use),
lockout by django-axes per username and per address; the log of every step."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from geo.models import Role, SecurityEvent, User, UserSession
from geo.signin import PENDING_KEY
from tests.geo.signin import bind_device, post_password, totp_code

UA = "Mozilla/5.0 (X11; Linux x86_64) SafeAtlasTest"


def kinds(**filters) -> list[str]:
    return list(SecurityEvent.objects.filter(**filters).order_by("id")
                .values_list("kind", flat=True))


def test_password_role_signs_in_and_the_sign_in_is_logged(world):
    client = Client(HTTP_USER_AGENT=UA)
    response = post_password(client, "county_a")
    assert (response.status_code, response["Location"]) == (302, "/layers/")
    assert client.session[SESSION_KEY] == str(world.users["county_a"].pk)
    event = SecurityEvent.objects.get(kind="login")
    assert (event.username, event.user_id, event.address, event.user_agent, event.path) == (
        "county_a", world.users["county_a"].pk, "127.0.0.1", UA, "/accounts/login/")
    assert event.detail == {"second_factor": ""}
    assert UserSession.objects.filter(user=world.users["county_a"], ended=None).count() == 1


def test_a_wrong_password_is_logged_with_the_name_typed(world):
    client = Client(HTTP_USER_AGENT=UA, REMOTE_ADDR="192.0.2.7")
    response = post_password(client, "nobody", "guess")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.user_id, event.address, event.detail) == (
        "login_failed", "nobody", None, "192.0.2.7", {"step": "password"})


def test_administrator_is_not_signed_in_before_the_code(world):
    admin = world.users["admin"]
    device = bind_device(admin)
    client = Client()
    response = post_password(client, "admin", next_url="/admin/")
    assert response["Location"] == "/accounts/login/verify/"
    # half-way: no face of the site sees a signed-in user yet
    assert SESSION_KEY not in client.session
    assert client.get("/accounts/tokens/")["Location"] == "/accounts/login/?next=/accounts/tokens/"
    assert kinds() == []

    page = client.get("/accounts/login/verify/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    response = client.post("/accounts/login/verify/", {"code": totp_code(device)})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.session[SESSION_KEY] == str(admin.pk)
    assert PENDING_KEY not in client.session
    assert client.get("/admin/").status_code == 200
    assert SecurityEvent.objects.get(kind="login").detail == {"second_factor": "totp"}


def test_a_wrong_code_is_refused_and_logged(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off is not under test here
    device = bind_device(world.users["admin"])
    client = Client()
    post_password(client, "admin")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/login/verify/", {"code": wrong})
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    assert SESSION_KEY not in client.session
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.detail) == (
        "login_failed", "admin", {"step": "second_factor"})
    assert client.post("/accounts/login/verify/", {"code": totp_code(device)}).status_code == 302
    assert client.session[SESSION_KEY] == str(world.users["admin"].pk)


def test_wrong_codes_lock_the_account_like_wrong_passwords(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = bind_device(world.users["admin"])
    client = Client()
    post_password(client, "admin")
    answers = [client.post("/accounts/login/verify/", {"code": "000000"}).status_code
               for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert Counter(kinds()) == {"login_failed": settings.AXES_FAILURE_LIMIT, "lockout": 1}
    # locked: neither the right code nor the right password gets in
    assert client.post("/accounts/login/verify/", {"code": totp_code(device)}).status_code \
        == 429
    assert SESSION_KEY not in client.session
    locked = post_password(Client(), "admin")
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()


def test_first_sign_in_of_an_administrator_enrols_an_authenticator(world):
    admin = world.users["admin"]
    client = Client()
    assert post_password(client, "admin")["Location"] == "/accounts/second-factor/"
    page = client.get("/accounts/second-factor/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<figure class="qr" id="otp-qr"><svg ' in html  # the QR code, drawn here
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")  # no image fetched from anywhere
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    assert device.config_url.startswith("otpauth://totp/SafeAtlas%3Aadmin?secret=")
    secret = page.context["secret"]
    assert f'<code id="otp-secret">{secret}</code>' in html and len(secret) == 32
    # reloading keeps the secret being scanned
    assert client.get("/accounts/second-factor/").context["secret"] == secret

    response = client.post("/accounts/second-factor/", {"code": totp_code(device)})
    assert response["Location"] == "/layers/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[SESSION_KEY] == str(admin.pk)
    assert kinds() == ["otp_enrolled", "login"]


def test_a_bound_device_is_not_replaced_half_signed_in(world):
    bind_device(world.users["admin"])
    client = Client()
    post_password(client, "admin")
    assert client.get("/accounts/second-factor/")["Location"] == "/accounts/login/verify/"
    assert TOTPDevice.objects.filter(user=world.users["admin"]).count() == 1


def test_a_signed_in_user_can_bind_an_authenticator_from_the_account_page(world):
    user = world.users["province"]
    client = Client()
    client.force_login(user)
    assert "尚未绑定动态口令" in client.get("/accounts/tokens/").content.decode()
    client.get("/accounts/second-factor/")
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/second-factor/", {"code": totp_code(device)})["Location"] \
        == "/accounts/tokens/"
    assert "已绑定动态口令" in client.get("/accounts/tokens/").content.decode()


def test_a_pending_sign_in_lapses(world):
    bind_device(world.users["admin"])
    client = Client()
    post_password(client, "admin")
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "since": time.time() - 301}
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_otp_roles_come_from_the_setting(world, settings):
    settings.OTP_REQUIRED_ROLES = [Role.COUNTY]
    client = Client()
    assert post_password(client, "county_a")["Location"] == "/accounts/second-factor/"
    assert post_password(Client(), "province")["Location"] == "/layers/"


def test_lockout_per_username_from_any_address(world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_password(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), "county_a", "wrong")
    assert "lockout" in kinds()
    assert post_password(Client(REMOTE_ADDR="203.0.113.9"), "county_a").status_code == 429
    assert post_password(Client(REMOTE_ADDR="203.0.113.9"), "county_b")["Location"] \
        == "/layers/"


def test_lockout_per_address_for_any_username(world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_password(Client(REMOTE_ADDR="198.51.100.20"), f"guess{i}", "wrong")
    assert post_password(Client(REMOTE_ADDR="198.51.100.20"), "county_a").status_code == 429
    assert post_password(Client(REMOTE_ADDR="198.51.100.21"), "county_a")["Location"] \
        == "/layers/"
    lockout = SecurityEvent.objects.filter(kind="lockout").earliest("id")
    assert (lockout.username, lockout.address) == ("guess4", "198.51.100.20")


def test_the_admin_login_page_sends_to_the_sign_in(world):
    response = Client().get("/admin/login/?next=/admin/geo/user/")
    assert response["Location"] == "/accounts/login/?next=/admin/geo/user/"
    assert Client().get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_next_must_stay_on_the_site(world):
    response = post_password(Client(), "county_a", next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_logout_is_logged_and_ends_the_session(world):
    client = Client()
    post_password(client, "county_a")
    assert client.post("/accounts/logout/").status_code == 200
    assert kinds() == ["login", "logout"]
    assert UserSession.objects.get().end_reason == "logout"


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDITOR])
def test_security_and_audit_administrators_need_the_second_factor(world, role):
    User.objects.create_user("overseer", password="pw-overseer", role=role)
    assert post_password(Client(), "overseer")["Location"] == "/accounts/second-factor/"
