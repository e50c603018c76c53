"""The grading matrix (分级预警矩阵): an alarm's warning level from the rule set's rows.

Rows are tried in order and the first whose every condition holds gives the level:
`kinds` (the alarm's kind among them), `alarm_level` (the alarm at least this severe),
`held_for` (s the alarm has lasted, while open), `hazard_levels` (the grade of the major
hazard source it is in), `repeats` within `within` s (alarms of the same key, flaps
included). An alarm that matches no row stays an alarm without a warning.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils.translation import gettext as _

from monitoring.alarms.models import Alarm, WarningLevel
from monitoring.alarms.rules import Rules


def alarm_grade(alarm: Alarm, rules: Rules, *, now: datetime,
                hazard_level: int | None) -> tuple[int, str] | None:
    """(warning level, the reason users read) or None."""
    for row in rules.doc["grading"]:
        if _matches(row, alarm, now, hazard_level):
            return row["warning"], _reason(row, alarm)
    return None


def _matches(row: dict, alarm: Alarm, now: datetime, hazard_level: int | None) -> bool:
    if "kinds" in row and alarm.kind not in row["kinds"]:
        return False
    if "alarm_level" in row and alarm.level > row["alarm_level"]:
        return False
    if "held_for" in row and (alarm.cleared_at is not None or
                              (now - alarm.raised_at).total_seconds() < row["held_for"]):
        return False
    if "hazard_levels" in row and hazard_level not in row["hazard_levels"]:
        return False
    return "repeats" not in row or _repeats(alarm, row["within"], now) >= row["repeats"]


def _repeats(alarm: Alarm, within: float, now: datetime) -> int:
    """Alarms of the key raised in the window, each counted with its flaps."""
    recent = Alarm.objects.filter(key=alarm.key, raised_at__gte=now - timedelta(seconds=within))
    found = recent.aggregate(n=Sum("flaps"))["n"] or 0
    return found + recent.count()


def _reason(row: dict, alarm: Alarm) -> str:
    parts = [alarm.get_level_display()]
    if "held_for" in row:
        parts.append(_("持续 %(m)d 分钟以上") % {"m": round(row["held_for"] / 60)})
    if "hazard_levels" in row:
        parts.append(_("位于%(levels)s级重大危险源") % {
            "levels": "、".join(str(x) for x in row["hazard_levels"])})
    if "repeats" in row:
        parts.append(_("%(m)d 分钟内反复 %(n)d 次") % {"m": round(row["within"] / 60),
                                                   "n": row["repeats"]})
    return _("%(level)s：") % {"level": WarningLevel(row["warning"]).label} + "，".join(parts)
