"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters of the code alphabet (no I, O, Z, S, V) and the position weights.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100 clause 4.2: 31 - sum mod 31)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ValidationError with a message saying what is wrong."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，实际为%(n)d位"), code="length", params={"n": len(code)}
        )
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s"), code="charset",
            params={"chars": "".join(bad)},
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：应为%(expected)s，实际为%(actual)s"),
            code="check", params={"expected": expected, "actual": code[17]},
        )


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (for generators and tests)."""
    return first17 + check_character(first17)
