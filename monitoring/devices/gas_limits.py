"""Gas detector alarm set-points of GB/T 50493-2019 §5.5.2 (可燃气体和有毒气体检测报警设计标准).

| case                                  | 一级报警     | 二级报警     |
| 可燃气体 (combustible, point type)    | ≤ 25 %LEL    | ≤ 50 %LEL    |
| 有毒气体 (toxic)                      | ≤ 100 %OEL   | ≤ 200 %OEL   |
| 有毒气体, detector range insufficient | ≤ 5 %IDLH    | ≤ 10 %IDLH   |
| 氧气 (oxygen)                         | 过氧 23.5 %VOL, 欠氧 19.5 %VOL |
| 线型可燃气体 (open-path)              | 1 LEL·m      | 2 LEL·m      |

一级 is the high threshold H, 二级 the high-high HH; for oxygen the standard's two alarms are
too much (H) and too little (L). The values are upper bounds: a blank set-point takes the
limit, a set-point above it is refused. A toxic gas measured in ppm or mg/m³ has limits that
depend on the gas's OEL, which the catalogue does not hold, so only %OEL and %IDLH readings
get defaults and bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARD = "GB/T 50493-2019 §5.5.2"


@dataclass(frozen=True)
class Limits:
    """The standard's set-points for one indicator and unit; None where it sets none."""

    h: float | None = None
    hh: float | None = None
    l: float | None = None  # noqa: E741  (the standard's name: 低报)

    def set_points(self) -> dict[str, float]:
        """Sensor field -> the standard's value, for the set-points it gives."""
        pairs = (("threshold_l", self.l), ("threshold_h", self.h), ("threshold_hh", self.hh))
        return {field: value for field, value in pairs if value is not None}


# (indicator, unit as typed, normalised) -> limits
LIMITS: dict[tuple[str, str], Limits] = {
    ("combustible_gas", "%lel"): Limits(h=25, hh=50),
    ("toxic_gas", "%oel"): Limits(h=100, hh=200),
    ("toxic_gas", "%idlh"): Limits(h=5, hh=10),
    ("oxygen", "%vol"): Limits(h=23.5, l=19.5),
    ("line_gas", "lel·m"): Limits(h=1, hh=2),
}


def normal_unit(unit: str) -> str:
    """'%LEL', '% LEL', 'LEL.m', 'LEL*m' -> the key used in LIMITS."""
    text = (unit or "").strip().lower().replace(" ", "")
    return text.replace(".", "·").replace("*", "·")


def limits_for(indicator: str, unit: str) -> Limits | None:
    return LIMITS.get((indicator, normal_unit(unit)))
