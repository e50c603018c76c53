"""Production settings from the environment: `manage.py check --deploy` is clean with a
production environment, says what is missing without one, and refuses to start an
https:// site without its own SECRET_KEY."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from django.conf import settings
from django.core import checks

from geo.apps import check_role_settings

PRODUCTION = {
    "SITE_URL": "https://safeatlas.yjt.example.gov.cn",
    "ALLOWED_HOSTS": "safeatlas.yjt.example.gov.cn",
    "SECRET_KEY": "k" * 10 + "7Hq2-vX9@pL4#zR8!mN3$wB6^tY1&cF5*dG0" + "s" * 10,
    "DEBUG": "false",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py in a fresh interpreter: settings are read from its environment."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {*PRODUCTION, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert (done.returncode, done.stdout.strip()) == (
        0, "System check identified no issues (1 silenced).")


def test_check_deploy_names_what_development_lacks():
    done = manage("check", "--deploy", env={})
    found = set(re.findall(r"\((security\.W\d+)\)", done.stderr))
    assert found == {"security.W004", "security.W008", "security.W009", "security.W012",
                     "security.W016"}


def test_an_https_site_needs_its_own_secret_key():
    done = manage("check", env={k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert done.returncode == 1
    assert "SECRET_KEY must be set when SITE_URL is https://" in done.stderr


def test_production_transport_settings():
    done = manage("shell", "--no-imports", "-c", "from django.conf import settings as s; print("
                  "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
                  " s.CSRF_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS)", env=PRODUCTION)
    assert done.stdout.strip() == (
        "True 31536000 True True ['https://safeatlas.yjt.example.gov.cn']")


def test_role_lists_must_name_roles(settings):
    settings.OTP_REQUIRED_ROLES = ["admin", "superadmin"]
    errors = check_role_settings()
    assert [(e.id, e.msg) for e in errors] == [
        ("geo.E001", "OTP_REQUIRED_ROLES names unknown roles: superadmin")]
    assert isinstance(errors[0], checks.Error)
