"""The demo province's alarm rules: the default rules with the timings of the simulator's
scripted day, which runs a fault cycle every four minutes (`collectors.simulator.model`):
a flat temperature is a fault after 30 s (not 30 minutes), a source without valid data
after 10 s. Everything else is the default (`monitoring.alarms.rules.DEFAULT`)."""

from __future__ import annotations

from monitoring.alarms.selectors import rules_default, ruleset_current
from monitoring.alarms.services import ruleset_create

NOTE = "演示：模拟器四分钟一个故障周期，数据不变 30 秒、无有效数据 10 秒即报警"


def demo_rules() -> dict:
    doc = rules_default()
    doc["flatline"] = [{"indicators": ["temperature"], "window": 30, "tolerance": 0.0}]
    doc["no_data"] = 10
    return doc


def demo_rules_ensure(province_prefix: str) -> int:
    """Store the demo rules for the province unless its current rules are these; returns
    the version in force."""
    current = ruleset_current(area=province_prefix)
    if current is not None and current.rules == demo_rules():
        return current.version
    return ruleset_create(area=province_prefix, rules=demo_rules(), note=NOTE).version
