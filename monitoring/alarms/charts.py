"""Small trend charts drawn as inline SVG (趋势图): no chart library, nothing loaded from
outside; the page's template places the shapes this module computes."""

from __future__ import annotations

from dataclasses import dataclass

from monitoring.ingest.selectors import Point

WIDTH, HEIGHT, PAD = 320, 90, 4
DOTS = 24  # up to this many points each is marked (one hourly point is no line)


@dataclass(frozen=True)
class Line:
    y: float
    label: str
    colour: str


@dataclass(frozen=True)
class Trend:
    """A series in SVG user units: the mean as a polyline, the low–high band as a polygon,
    the thresholds as horizontal lines; `low` / `high` the value axis' ends."""

    mean: str
    band: str
    dots: list[tuple[float, float]]  # the points themselves while they are few
    lines: list[Line]
    low: float
    high: float
    first: object
    last: object
    count: int
    width: int = WIDTH
    height: int = HEIGHT


def trend(points: list[Point], *, thresholds: list[tuple[float | None, str, str]]
          ) -> Trend | None:
    """The chart of `points` with `thresholds` ((value, label, colour), None skipped) kept
    in view; None when there are no points."""
    if not points:
        return None
    limits = [v for v, _label, _colour in thresholds if v is not None]
    low = min([p.low for p in points] + limits)
    high = max([p.high for p in points] + limits)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    t0, t1 = points[0].at.timestamp(), points[-1].at.timestamp()
    span = (t1 - t0) or 1.0

    def x(p: Point) -> float:
        return PAD + (p.at.timestamp() - t0) / span * (WIDTH - 2 * PAD) if t1 > t0 \
            else WIDTH / 2

    def y(v: float) -> float:
        return PAD + (high - v) / (high - low) * (HEIGHT - 2 * PAD)

    mean = " ".join(f"{x(p):.1f},{y(p.mean):.1f}" for p in points)
    band = " ".join([f"{x(p):.1f},{y(p.high):.1f}" for p in points]
                    + [f"{x(p):.1f},{y(p.low):.1f}" for p in reversed(points)])
    lines = [Line(round(y(v), 1), label, colour) for v, label, colour in thresholds
             if v is not None]
    dots = [(round(x(p), 1), round(y(p.mean), 1)) for p in points] if len(points) <= DOTS \
        else []
    return Trend(mean, band, dots, lines, low, high, points[0].at, points[-1].at, len(points))
