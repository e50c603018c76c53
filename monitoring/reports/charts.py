"""The reports' charts as inline SVG (WeasyPrint draws inline SVG; no chart library, as
`monitoring.alarms.charts`): this module computes the shapes in SVG user units, the
report's template places them. Bars for counts by level or status, a line for the risk
trend over days."""

from __future__ import annotations

from dataclasses import dataclass

# 红橙黄蓝 for levels 1–4 (the four-colour map's hues, darkened enough to print).
LEVEL_COLOURS = {1: "#d7191c", 2: "#f08c00", 3: "#e6c700", 4: "#1f78b4"}
BAR_W, BAR_H, BAR_TOP, BAR_BOTTOM, BAR_LEFT = 300, 120, 14, 22, 6
LINE_W, LINE_H, LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 640, 170, 40, 24, 10, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str
    value: int
    middle: float    # x of the bar's centre, for its labels


@dataclass(frozen=True)
class Bars:
    bars: list[Bar]
    base: float      # y of the axis
    width: int = BAR_W
    height: int = BAR_H

    @property
    def empty(self) -> bool:
        """All zero: the table beside says it, a chart of flat bars adds only space."""
        return not any(bar.value for bar in self.bars)


def bars(items: list[tuple[str, int, str]]) -> Bars:
    """Vertical bars of (label, value, colour), scaled to the largest value."""
    base = BAR_H - BAR_BOTTOM
    top = max([v for _label, v, _colour in items] + [1])
    slot = (BAR_W - 2 * BAR_LEFT) / max(len(items), 1)
    out = []
    for i, (label, value, colour) in enumerate(items):
        h = (base - BAR_TOP) * value / top
        x = BAR_LEFT + i * slot + slot * 0.2
        out.append(Bar(round(x, 1), round(base - h, 1), round(slot * 0.6, 1), round(h, 1),
                       colour, label, value, round(x + slot * 0.3, 1)))
    return Bars(out, base)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Line:
    points: str                          # the polyline
    dots: list[tuple[float, float, str]]  # x, y, colour of each day's level
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: int = LINE_LEFT
    right: int = LINE_W - LINE_RIGHT
    width: int = LINE_W
    height: int = LINE_H


def line(days: list[str], series: list[list], *, high: float = 100.0) -> Line:
    """The risk trend over `days` (ISO dates, the x axis whether or not a day has a
    score): `series` rows (day, score, level) on a 0..`high` axis."""
    plot_w = LINE_W - LINE_LEFT - LINE_RIGHT
    plot_h = LINE_H - LINE_TOP - LINE_BOTTOM
    step = plot_w / max(len(days) - 1, 1)
    index = {d: i for i, d in enumerate(days)}

    def y(v: float) -> float:
        return round(LINE_TOP + (high - min(max(v, 0.0), high)) / high * plot_h, 1)

    placed = [(round(LINE_LEFT + index[d] * step, 1), y(score), LEVEL_COLOURS.get(level, "#555"))
              for d, score, level in series if d in index]
    every = max(1, (len(days) + 6) // 7)  # at most about seven dates under the axis
    x_ticks = [Tick(round(LINE_LEFT + i * step, 1), d[5:]) for i, d in enumerate(days)
               if i % every == 0 or i == len(days) - 1]
    y_ticks = [Tick(y(v), f"{v:g}") for v in (0, high / 4, high / 2, high * 3 / 4, high)]
    return Line(" ".join(f"{x},{yy}" for x, yy, _c in placed), placed, x_ticks, y_ticks)
