"""Password policy: length and character classes, no reuse of the last N, expiry for
government roles with a forced change at sign-in."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from geo.models import PasswordHistory, SecurityEvent
from geo.passwords import password_expired
from tests.geo.signin import post_password

STRONG = "Jianghuai-2026-safe"


def problems(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_length_and_character_classes(world):
    user = world.users["county_a"]
    assert problems("Ab1!", user) == ["password_too_short"]
    assert problems("onlylowercaseletters", user) == ["password_classes"]
    assert problems("lowercase-and-symbols", user) == ["password_classes"]
    assert problems("Upper-lower-and-symbols", user) == []
    assert problems(STRONG, user) == []


def set_password(user, password: str) -> None:
    user.set_password(password)
    user.save()


def test_none_of_the_last_five_passwords_again(world):
    user = world.users["county_a"]
    used = [f"Old-password-{i}x" for i in range(1, 7)]
    for password in used:
        set_password(user, password)
    assert PasswordHistory.objects.filter(user=user).count() == 5  # pruned to N
    assert problems(used[0], user) == []                  # the sixth-last may come back
    for password in used[1:]:
        assert problems(password, user) == ["password_reused"], password
    assert problems(used[-1], world.users["county_b"]) == []  # another user's history


def age_password(user, days: int) -> None:
    """As if the password was set `days` ago (a user without history: when it joined)."""
    then = timezone.now() - timedelta(days=days)
    PasswordHistory.objects.filter(user=user).update(created=then)
    type(user).objects.filter(pk=user.pk).update(date_joined=then)
    user.refresh_from_db()


def test_expiry_is_for_government_roles(world):
    for name in ("county_a", "enterprise"):
        age_password(world.users[name], 91)
    assert password_expired(world.users["county_a"]) is True
    assert password_expired(world.users["enterprise"]) is False
    age_password(world.users["county_a"], 89)
    assert password_expired(world.users["county_a"]) is False


def test_an_expired_password_must_be_changed_before_signing_in(world):
    user = world.users["county_a"]
    age_password(user, 91)
    client = Client()
    assert post_password(client, "county_a")["Location"] == "/accounts/login/password/"
    assert SESSION_KEY not in client.session

    weak = client.post("/accounts/login/password/", {"new_password1": "abc",
                                                     "new_password2": "abc"})
    assert weak.status_code == 200 and SESSION_KEY not in client.session
    assert weak.context["form"].errors["new_password2"] == [
        "密码太短，至少需要 12 个字符。", "这个密码太常见了。",
        "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"]
    same = client.post("/accounts/login/password/", {"new_password1": "pw-county_a",
                                                     "new_password2": "pw-county_a"})
    assert "不能使用最近 5 次用过的密码。" in same.context["form"].errors["new_password2"]

    response = client.post("/accounts/login/password/", {"new_password1": STRONG,
                                                         "new_password2": STRONG})
    assert response["Location"] == "/layers/"
    assert client.session[SESSION_KEY] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert password_expired(user) is False
    assert list(SecurityEvent.objects.order_by("id").values_list("kind", "detail")) == [
        ("password_changed", {"expired": True}), ("login", {"second_factor": ""})]


def test_an_enterprise_password_does_not_expire(world):
    age_password(world.users["enterprise"], 400)
    assert post_password(Client(), "enterprise")["Location"] == "/layers/"


def test_expiry_can_be_switched_off(world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    age_password(world.users["county_a"], 1000)
    assert password_expired(world.users["county_a"]) is False
