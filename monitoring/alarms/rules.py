"""The declarative rule set (报警与预警规则): data with a schema, versioned per area.

No national trigger rules for the warning levels are published (domain reference §3.1),
so every number here is configuration: a supervising department stores a new version for
its area (`RuleSet`, division code prefix) and the newest version of the longest prefix
that a sensor's division code starts with applies to it. `DEFAULT` applies where no
area has its own (version "default").

A document has:
- `threshold`: `deadband` (hysteresis, fraction of the sensor's range, or of the limit
  when the range is unknown), `min_duration` (s, on-delay), `by_indicator` overrides;
- `rate`, `flatline`: rules by indicator (`max_per_minute` with `min_duration`;
  `window` s with `tolerance`);
- `no_data` (s without a valid value while the gateway sends), `offline` (s silent);
- `flap_window` (s: a key that clears and comes back within it reopens its alarm);
- `combinations` (多关联分析): indicators of one monitored unit in alarm together;
- `grading` (分级预警矩阵): rows tried in order, the first that matches gives the level;
- `push`: per warning level the tiers told, the channels, the reminder interval and the
  minutes before an unacknowledged warning is escalated one tier up;
- `assessment` (optional; 考核口径, read by `metrics.py`): `handle_within` (minutes per
  alarm level in which the enterprise's handling feedback counts as timely, 消警处置及时率)
  and `repeat_window` (s: an alarm of a sensor that had another alarm this long before it
  is a repeat, 重复报警). A document without it is graded by DEFAULT's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from monitoring.alarms.models import AlarmKind, RuleSet

TIERS = ("enterprise", "grid", "park", "county", "city", "province")
CHANNELS = ("inbox", "sms", "email")
INDICATORS = ("level", "temperature", "pressure", "flow", "combustible_gas", "toxic_gas",
              "oxygen", "line_gas", "switch")

DEFAULT: dict[str, Any] = {
    "threshold": {"deadband": 0.01, "min_duration": 5,
                  "by_indicator": {"combustible_gas": {"min_duration": 0},
                                   "toxic_gas": {"min_duration": 0},
                                   "oxygen": {"min_duration": 0}}},
    "rate": [{"indicators": ["level"], "max_per_minute": 3.0, "min_duration": 10},
             {"indicators": ["pressure"], "max_per_minute": 60.0, "min_duration": 10}],
    "flatline": [{"indicators": ["temperature", "pressure"], "window": 1800,
                  "tolerance": 0.0}],
    "no_data": 60,
    "offline": 180,
    "flap_window": 600,
    "combinations": [{"name": "gas_heat", "title": "可燃气体与温度同时报警",
                      "indicators": ["combustible_gas", "temperature"]}],
    "grading": [
        {"warning": 1, "kinds": ["combination"]},
        {"warning": 1, "alarm_level": 1, "held_for": 600},
        {"warning": 1, "alarm_level": 1, "hazard_levels": [1]},
        {"warning": 2, "alarm_level": 1},
        {"warning": 2, "alarm_level": 2, "repeats": 3, "within": 3600},
        {"warning": 3, "alarm_level": 2, "held_for": 300},
        {"warning": 3, "kinds": ["offline"], "held_for": 1800},
        {"warning": 4, "alarm_level": 2},
        {"warning": 4, "kinds": ["rate", "flatline", "no_data", "offline"]},
    ],
    "push": {
        "1": {"tiers": ["enterprise", "grid", "park", "county", "city"],
              "channels": ["inbox", "sms", "email"], "every": 10, "escalate_after": 15},
        "2": {"tiers": ["enterprise", "grid", "park", "county"],
              "channels": ["inbox", "sms"], "every": 30, "escalate_after": 30},
        "3": {"tiers": ["enterprise", "park"], "channels": ["inbox", "sms"], "every": 60,
              "escalate_after": 60},
        "4": {"tiers": ["enterprise"], "channels": ["inbox"], "every": 240,
              "escalate_after": 240},
    },
    # No national deadline is published for handling an alarm (domain reference §3.1):
    # these are ours, set per area like the rest. Minutes by alarm level.
    "assessment": {"handle_within": {"1": 30, "2": 60, "3": 240, "4": 1440},
                   "repeat_window": 86400},
}

_NUM = {"type": "number", "minimum": 0}
_INDICATORS = {"type": "array", "minItems": 1, "items": {"enum": list(INDICATORS)}}


def _obj(props: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": props, "required": list(required),
            "additionalProperties": False}


_TIMING = _obj({"deadband": _NUM, "min_duration": _NUM})
SCHEMA = _obj({
    "threshold": _obj({"deadband": _NUM, "min_duration": _NUM, "by_indicator": {
        "type": "object", "propertyNames": {"enum": list(INDICATORS)},
        "additionalProperties": _TIMING}}, ("deadband", "min_duration")),
    "rate": {"type": "array", "items": _obj({
        "indicators": _INDICATORS, "max_per_minute": {"type": "number", "exclusiveMinimum": 0},
        "min_duration": _NUM}, ("indicators", "max_per_minute", "min_duration"))},
    "flatline": {"type": "array", "items": _obj({
        "indicators": _INDICATORS, "window": {"type": "number", "exclusiveMinimum": 0},
        "tolerance": _NUM}, ("indicators", "window", "tolerance"))},
    "no_data": _NUM, "offline": _NUM, "flap_window": _NUM,
    "combinations": {"type": "array", "items": _obj({
        "name": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"},
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "indicators": {**_INDICATORS, "minItems": 2}}, ("name", "title", "indicators"))},
    "grading": {"type": "array", "minItems": 1, "items": _obj({
        "warning": {"enum": [1, 2, 3, 4]},
        "kinds": {"type": "array", "items": {"enum": list(AlarmKind.values)}},
        "alarm_level": {"enum": [1, 2, 3, 4]}, "held_for": _NUM,
        "hazard_levels": {"type": "array", "items": {"enum": [1, 2, 3, 4]}},
        "repeats": {"type": "integer", "minimum": 2}, "within": _NUM}, ("warning",))},
    "push": {"type": "object", "propertyNames": {"enum": ["1", "2", "3", "4"]},
             "additionalProperties": _obj({
                 "tiers": {"type": "array", "minItems": 1, "items": {"enum": list(TIERS)}},
                 "channels": {"type": "array", "items": {"enum": list(CHANNELS)}},
                 "every": {"type": "number", "exclusiveMinimum": 0},
                 "escalate_after": {"type": "number", "exclusiveMinimum": 0}},
                 ("tiers", "channels", "every", "escalate_after"))},
    "assessment": _obj({
        "handle_within": _obj({str(n): {"type": "number", "exclusiveMinimum": 0}
                               for n in (1, 2, 3, 4)}, ("1", "2", "3", "4")),
        "repeat_window": _NUM}, ("handle_within", "repeat_window")),
}, ("threshold", "rate", "flatline", "no_data", "offline", "flap_window", "combinations",
    "grading", "push"))
_VALIDATOR = Draft202012Validator(SCHEMA)


def rules_problems(doc: Any) -> list[str]:
    """What is wrong with a rule document, each message naming its key path."""
    found = []
    for error in sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or _("（根）")
        found.append(f"{where}: {error.message}")
    return found


@dataclass(frozen=True)
class Rules:
    version: str
    doc: dict

    def timing(self, indicator: str) -> tuple[float, float]:
        """(deadband fraction, min_duration s) of threshold alarms for an indicator."""
        base = self.doc["threshold"]
        own = base.get("by_indicator", {}).get(indicator, {})
        return (own.get("deadband", base["deadband"]),
                own.get("min_duration", base["min_duration"]))

    def first(self, section: str, indicator: str) -> dict | None:
        return next((r for r in self.doc[section] if indicator in r["indicators"]), None)

    def push(self, level: int) -> dict:
        return self.doc["push"][str(level)]

    def assessment(self) -> dict:
        """The grading terms (考核口径): this document's, else DEFAULT's."""
        return self.doc.get("assessment", DEFAULT["assessment"])


def version_label(area: str, version: int) -> str:
    """What an alarm's `rules_version` says of the rule set it was raised under."""
    return f"{area or '*'}v{version}"


_DEFAULT = Rules("default", DEFAULT)
_parsed: dict[tuple[str, int], Rules] = {}
FRESH_FOR = 5.0  # s: a new version applies within this long in every ingest worker
_cache: tuple[float, list] = (-FRESH_FOR, [])


def rules_in_force() -> list[tuple[str, Rules]]:
    """(area prefix, rules) of the newest version per area, longest prefix first: read at
    most every FRESH_FOR seconds per process (the ingest asks once a batch); parsed
    documents are kept per (area, version), which never change."""
    global _cache
    if time.monotonic() - _cache[0] < FRESH_FOR:
        return _cache[1]
    rows = RuleSet.objects.order_by("area", "-version").distinct("area") \
        .values_list("area", "version", "rules")
    out = []
    for area, version, doc in rows:
        key = (area, version)
        if key not in _parsed:
            _parsed[key] = Rules(version_label(area, version), doc)
        out.append((area, _parsed[key]))
    found = sorted(out, key=lambda pair: -len(pair[0]))
    _cache = (time.monotonic(), found)
    return found


def rules_forget() -> None:
    """Read the rule sets again at the next batch (after a new version, in tests)."""
    global _cache
    _cache = (-FRESH_FOR, [])


def rules_for(division_code: str, in_force: list[tuple[str, Rules]] | None = None) -> Rules:
    """The rules of the newest version of the longest area prefix of `division_code`."""
    for area, rules in rules_in_force() if in_force is None else in_force:
        if division_code.startswith(area):
            return rules
    return _DEFAULT
