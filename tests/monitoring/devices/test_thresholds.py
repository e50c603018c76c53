"""A sensor's range and thresholds, and the GB/T 50493-2019 §5.5.2 gas detector set-points."""

from __future__ import annotations

import math

import pytest

from monitoring.devices.thresholds import problems, with_defaults


@pytest.mark.parametrize(("indicator", "unit", "expected"), [
    ("combustible_gas", "%LEL", {"threshold_h": 25, "threshold_hh": 50}),
    ("combustible_gas", "% lel", {"threshold_h": 25, "threshold_hh": 50}),
    ("toxic_gas", "%OEL", {"threshold_h": 100, "threshold_hh": 200}),
    ("toxic_gas", "%IDLH", {"threshold_h": 5, "threshold_hh": 10}),
    ("oxygen", "%VOL", {"threshold_h": 23.5, "threshold_l": 19.5}),
    ("line_gas", "LEL·m", {"threshold_h": 1, "threshold_hh": 2}),
    ("line_gas", "LEL.m", {"threshold_h": 1, "threshold_hh": 2}),
])
def test_blank_gas_set_points_take_the_standards_limits(indicator, unit, expected):
    filled = with_defaults({"indicator": indicator, "measure_unit": unit})
    assert {k: v for k, v in filled.items() if k.startswith("threshold")} == expected


def test_set_points_typed_are_kept_and_other_indicators_get_none():
    assert with_defaults({"indicator": "combustible_gas", "measure_unit": "%LEL",
                          "threshold_h": 20, "threshold_hh": None})["threshold_h"] == 20
    # ppm depends on the gas's OEL, which the catalogue does not hold: no default
    assert with_defaults({"indicator": "toxic_gas", "measure_unit": "ppm"}) == {
        "indicator": "toxic_gas", "measure_unit": "ppm"}
    assert "threshold_h" not in with_defaults({"indicator": "level", "measure_unit": "m"})


def test_a_gas_alarm_less_sensitive_than_the_standard_is_refused():
    assert problems({"indicator": "combustible_gas", "measure_unit": "%LEL",
                     "threshold_h": 30, "threshold_hh": 60}) == {
        "threshold_h": "30 高于 GB/T 50493-2019 §5.5.2 规定的上限 25 %LEL",
        "threshold_hh": "60 高于 GB/T 50493-2019 §5.5.2 规定的上限 50 %LEL"}
    assert problems({"indicator": "oxygen", "measure_unit": "%VOL", "threshold_l": 18,
                     "threshold_h": 23.5}) == {
        "threshold_l": "18 低于 GB/T 50493-2019 §5.5.2 规定的欠氧报警值 19.5 %VOL"}
    assert problems({"indicator": "combustible_gas", "measure_unit": "%LEL",
                     "threshold_h": 20, "threshold_hh": 40}) == {}


def test_thresholds_are_ordered_finite_and_within_the_range():
    assert problems({"range_low": 0, "range_high": 20, "threshold_ll": 1, "threshold_l": 2,
                     "threshold_h": 16, "threshold_hh": 18}) == {}
    assert problems({"threshold_l": 5, "threshold_h": 3}) == {
        "threshold_h": "阈值须满足 低低报 ≤ 低报 ≤ 高报 ≤ 高高报（5 > 3）"}
    assert problems({"range_low": 0, "range_high": 20, "threshold_hh": 25}) == {
        "threshold_hh": "阈值 25 超出量程 0～20"}
    assert problems({"range_low": 20, "range_high": 20}) == {"range_high": "量程上限须大于下限"}
    assert problems({"threshold_h": math.nan, "range_high": math.inf}) == {
        "range_high": "须为有限数值", "threshold_h": "须为有限数值"}
