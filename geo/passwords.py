"""Password policy beyond Django's validators (settings.AUTH_PASSWORD_VALIDATORS):
character classes, no reuse of the last N passwords, and expiry for government roles.

Django calls `validate` wherever a password is chosen (forms, the forced change at
sign-in) and `password_changed` after any `set_password` is saved, so the history holds
every password set, also by commands and the admin.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.models import PasswordHistory

_CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying it in our words: its Chinese catalogue lacks this 5.2 message."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least `classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        found = sum(any(test(c) for c in password) for test in _CLASSES)
        if found < self.classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。")
                % {"n": self.classes}, code="password_classes")

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的 %(n)d 类。") % {"n": self.classes}


class PasswordHistoryValidator:
    """None of the user's last `count` passwords again."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _recent(self, user) -> list[str]:
        """The current hash (a user made by `create_user` has no history yet) and the
        hashes of the last `count` passwords."""
        if user is None or user.pk is None or self.count <= 0:
            return []
        history = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        return list(dict.fromkeys([user.password, *history[: self.count]]))

    def validate(self, password: str, user=None) -> None:
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(_("不能使用最近 %(n)d 次用过的密码。") % {"n": self.count},
                                  code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        # The hash Django just stored: no second (slow) hashing of the password.
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values("pk")[: max(self.count, 1)]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": self.count}


def password_set_at(user):
    """When the user's current password was set: the newest history row, else joining."""
    row = (PasswordHistory.objects.filter(user=user).values_list("created", flat=True)
           .first())
    return row or user.date_joined


def password_expired(user) -> bool:
    """Whether the user must choose a new password before signing in: government roles,
    older than PASSWORD_MAX_AGE_DAYS (0 switches expiry off)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or user.role not in settings.PASSWORD_EXPIRY_ROLES:
        return False
    return timezone.now() - password_set_at(user) > timedelta(days=days)
