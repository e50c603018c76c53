"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters of the code alphabet (no I, O, Z, S, V) and the position weights.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_POSITION = np.full(128, -1, dtype=np.int64)  # ASCII code -> place in ALPHABET, -1 if absent
_POSITION[[ord(c) for c in ALPHABET]] = np.arange(len(ALPHABET))


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


def valid_credit_codes(values: Sequence[str]) -> np.ndarray:
    """Which of `values` `validate_credit_code` accepts, all at once (a file import checks
    100,000 codes; the importer calls this as the validator's `many`)."""
    codes = [(v or "").strip().upper() for v in values]
    ok = np.fromiter((len(c) == 18 and c.isascii() for c in codes), dtype=bool,
                     count=len(codes))
    if ok.any():
        chars = np.frombuffer("".join(c for c, k in zip(codes, ok, strict=True) if k)
                              .encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        places = _POSITION[chars]
        total = places[:, :17] @ np.array(WEIGHTS)
        ok[ok] = (places >= 0).all(axis=1) & (places[:, 17] == (31 - total % 31) % 31)
    return ok


validate_credit_code.many = valid_credit_codes


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (for generators and tests)."""
    return first17 + check_character(first17)
