"""A sensor's range and alarm thresholds: what must hold, and the gas detector defaults.

Pure functions over one sensor's values (a dict of field -> value), shared by the services,
the admin form and the import hook, so the three refuse the same things in the same words.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from monitoring.devices import gas_limits

THRESHOLDS = ("threshold_ll", "threshold_l", "threshold_h", "threshold_hh")
NUMBERS = ("range_low", "range_high", *THRESHOLDS)


def with_defaults(values: dict) -> dict:
    """`values` with the GB/T 50493 set-points filled in where a gas detector's are blank."""
    limits = gas_limits.limits_for(values.get("indicator", ""), values.get("measure_unit", ""))
    if limits is None:
        return values
    filled = dict(values)
    for field, limit in limits.set_points().items():
        if filled.get(field) is None:
            filled[field] = limit
    return filled


def problems(values: dict) -> dict[str, str]:
    """Field -> what is wrong with it; empty when the sensor's numbers hold together."""
    found: dict[str, str] = {}
    for field in NUMBERS:
        value = values.get(field)
        if value is not None and not math.isfinite(value):
            found[field] = _("须为有限数值")
    if found:
        return found
    low, high = values.get("range_low"), values.get("range_high")
    if low is not None and high is not None and low >= high:
        found["range_high"] = _("量程上限须大于下限")
    _order(values, found)
    _within_range(values, found, low, high)
    _gas_bounds(values, found)
    return found


def _order(values: dict, found: dict[str, str]) -> None:
    """LL ≤ L ≤ H ≤ HH among the thresholds that are set (low alarms below high ones)."""
    set_ = [(f, values[f]) for f in THRESHOLDS if values.get(f) is not None]
    for (_lower, a), (upper, b) in zip(set_, set_[1:], strict=False):
        if a > b and upper not in found:
            found[upper] = _("阈值须满足 低低报 ≤ 低报 ≤ 高报 ≤ 高高报（%(a)s > %(b)s）") % {
                "a": _fmt(a), "b": _fmt(b)}


def _within_range(values: dict, found: dict[str, str], low, high) -> None:
    for field in THRESHOLDS:
        value = values.get(field)
        if value is None or field in found:
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            found[field] = _("阈值 %(v)s 超出量程 %(lo)s～%(hi)s") % {
                "v": _fmt(value), "lo": _fmt(low), "hi": _fmt(high)}


def _gas_bounds(values: dict, found: dict[str, str]) -> None:
    """A gas detector's alarms may not be set less sensitive than the standard allows: the
    high alarms no higher, the oxygen-deficiency alarm (L) no lower."""
    limits = gas_limits.limits_for(values.get("indicator", ""), values.get("measure_unit", ""))
    if limits is None:
        return
    for field, limit in limits.set_points().items():
        value, low = values.get(field), field == "threshold_l"
        if value is None or field in found or (value >= limit if low else value <= limit):
            continue
        message = _("%(v)s 低于 %(std)s 规定的欠氧报警值 %(lim)s %(unit)s") if low else \
            _("%(v)s 高于 %(std)s 规定的上限 %(lim)s %(unit)s")
        found[field] = message % {"v": _fmt(value), "std": gas_limits.STANDARD,
                                  "lim": _fmt(limit), "unit": values.get("measure_unit", "")}


def _fmt(value) -> str:
    return "" if value is None else f"{value:g}"
