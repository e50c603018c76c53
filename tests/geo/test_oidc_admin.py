"""Single sign-on around the provider: the security administrator alone registers the
bureau's systems (三权分立), the portal home links them, and the signing key is made on
first start and kept."""

from __future__ import annotations

import secrets
import stat
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk
from oauth2_provider.models import AccessToken, Grant

from geo.models import PortalSystem, Role, User
from geo.settings import _portal_systems
from tests.geo import oidc_client as rp

APPS = "/admin/oauth2_provider/application/"


def staff(role: str, **extra) -> Client:
    user = User.objects.create_user(f"staff-{role}", password="pw", role=role,
                                    is_staff=True, **extra)
    client = Client()
    client.force_login(user)
    return client


def test_only_the_security_administrator_registers_applications(world):
    app = rp.application()
    security = staff(Role.SECURITY_ADMIN)
    listed = security.get(APPS)
    assert listed.status_code == 200 and "执法系统" in listed.content.decode()
    assert security.get(f"{APPS}add/").status_code == 200
    page = security.get(f"{APPS}{app.pk}/change/").content.decode()
    assert "门户系统" in page  # the portal mark, inline
    tokens = security.get("/admin/oauth2_provider/accesstoken/")
    assert tokens.status_code == 200
    assert security.get("/admin/oauth2_provider/accesstoken/add/").status_code == 403
    for role in (Role.AUDITOR, Role.ADMIN):
        other = staff(role, is_superuser=True)
        assert other.get(APPS).status_code == 403, role
        assert other.get("/admin/oauth2_provider/refreshtoken/").status_code == 403, role
        assert "oauth2_provider" not in other.get("/admin/").content.decode()


def test_the_portal_lists_configured_and_marked_systems(world, settings):
    settings.PORTAL_SYSTEMS = [
        {"name": "执法系统", "url": "https://law.example.test/", "client_id": "enforcement"},
        {"name": "旧 OA", "url": "http://oa.example.test/"},
        {"name": "企业填报", "url": "https://fill.example.test/", "roles": ["enterprise"]},
    ]
    rp.application()
    marked = rp.application("应急指挥系统", client_id="command")
    PortalSystem.objects.create(application=marked, url="https://command.example.test/")
    home = Client()
    home.force_login(world.users["county_a"])
    text = home.get("/").content.decode()
    block = text[text.index('id="portal-systems"'):]
    names = ("执法系统", "旧 OA", "企业填报", "应急指挥系统")
    assert [name for name in names if name in block] == ["执法系统", "旧 OA", "应急指挥系统"]
    assert block.count("统一认证</small>") == 2  # the registered client and the marked one
    assert 'href="https://command.example.test/"' in block
    assert 'id="portal-systems"' not in Client().get("/").content.decode()


@pytest.mark.parametrize("raw, message", [
    ("{", "PORTAL_SYSTEMS is not JSON"),
    ('{"name": "x"}', "must be a JSON list"),
    ('[{"url": "https://a.test/"}]', "PORTAL_SYSTEMS[0].name is required"),
    ('[{"name": "a", "url": "ftp://a.test/"}]', "PORTAL_SYSTEMS[0].url must be"),
    ('[{"name": "a", "url": "https://a.test/", "colour": "red"}]', "unknown keys colour"),
])
def test_portal_systems_setting_names_the_bad_key(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace(
            "]", r"\]")):
        _portal_systems(raw)


def test_the_signing_key_is_made_once_and_private(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("OIDC_RSA_PRIVATE_KEY", raising=False)
    settings.OIDC_KEY_FILE = tmp_path / "oidc" / "private.pem"
    call_command("oidc_key")
    first = settings.OIDC_KEY_FILE.read_bytes()
    key = jwk.JWK.from_pem(first)
    assert (key["kty"], key.has_private) == ("RSA", True)
    assert stat.S_IMODE(settings.OIDC_KEY_FILE.stat().st_mode) == 0o600
    call_command("oidc_key")
    assert settings.OIDC_KEY_FILE.read_bytes() == first


def test_the_daily_job_clears_expired_codes_and_tokens(world):
    from geo.tasks import oauth_tokens_prune

    app = rp.application()
    user, now = world.users["county_a"], timezone.now()
    for expires in (now - timedelta(minutes=1), now + timedelta(minutes=5)):
        AccessToken.objects.create(user=user, application=app, expires=expires,
                                   token=secrets.token_urlsafe(20), scope="openid")
        Grant.objects.create(user=user, application=app, expires=expires,
                             code=secrets.token_urlsafe(20), redirect_uri=rp.REDIRECT,
                             code_challenge="x" * 43, code_challenge_method="S256")
    oauth_tokens_prune(timestamp=0)
    assert [t.expires > now for t in AccessToken.objects.all()] == [True]
    assert [g.expires > now for g in Grant.objects.all()] == [True]
