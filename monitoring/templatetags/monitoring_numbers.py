"""Template filters of the monitoring pages: a measured value as people read it."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def reading(value: float | None, places: int = 4) -> str:
    """Up to `places` decimals without trailing zeros (25.224999999999998 → 25.225,
    18.0 → 18); "—" for no value."""
    if value is None:
        return "—"
    text = f"{float(value):.{int(places)}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
