"""The enforcement figures as inline SVG (no chart library, like the monitoring reports):
horizontal bars, one per row of a view, scaled to the largest; the template places them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ROW_H, LABEL_W, BAR_W, VALUE_W = 22, 150, 360, 90
COLOURS = {"cases": "#3F51B5", "amount": "#8E24AA"}


@dataclass(frozen=True)
class HBar:
    y: float
    width: float
    label: str
    value: str
    link: str


@dataclass(frozen=True)
class HBars:
    bars: list[HBar]
    colour: str
    height: int
    label_w: int = LABEL_W
    value_x: int = LABEL_W + BAR_W + 6
    width: int = LABEL_W + BAR_W + VALUE_W

    @property
    def empty(self) -> bool:
        return not self.bars


def hbars(rows: list[tuple[str, Decimal | int, str]], *, measure: str) -> HBars:
    """Bars of (label, value, link) for one measure ("cases" or "amount")."""
    top = max([float(v) for _label, v, _link in rows] + [1.0])
    bars = [HBar(i * ROW_H + 4, round(BAR_W * float(value) / top, 1), label,
                 _shown(value), link) for i, (label, value, link) in enumerate(rows)]
    return HBars(bars, COLOURS[measure], len(rows) * ROW_H + 8)


def _shown(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.0f}" if value == value.to_integral() else f"{value:,.2f}"
    return str(value)
