"""The shifts a pattern makes (排班规则): pure, so the rules are tested without rows.

A day-and-night roster has a day shift (白班, day start → night start) and a night shift
(夜班, night start → next day's start); a full-day roster one 24-hour shift (24小时班).
Leaders (带班领导) and officers (值班员) rotate through their lists in order, each day or
each week (the rotation's index: days, or whole weeks, since the roster starts). A day's
night officer is the next in the list after its day officer, so two officers alternate
between day and night from one period to the next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from response.duty.models import Rotation, ShiftKind, ShiftPattern


@dataclass(frozen=True)
class PlannedShift:
    day: datetime.date
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    leader_id: int
    officer_id: int


def shifts_plan(*, starts_on: datetime.date, ends_on: datetime.date, pattern: str,
                rotation: str, day_starts: datetime.time, night_starts: datetime.time,
                leaders: list[int], officers: list[int], zone: ZoneInfo) -> list[PlannedShift]:
    """Every shift of [starts_on, ends_on] by the pattern; leaders and officers are ids in
    rotation order."""
    plan = []
    day = starts_on
    while day <= ends_on:
        days = (day - starts_on).days
        i = days if rotation == Rotation.DAILY else days // 7
        leader = leaders[i % len(leaders)]
        start = datetime.datetime.combine(day, day_starts, zone)
        next_start = datetime.datetime.combine(day + datetime.timedelta(days=1), day_starts,
                                               zone)
        if pattern == ShiftPattern.FULL_DAY:
            plan.append(PlannedShift(day, ShiftKind.FULL, start, next_start, leader,
                                     officers[i % len(officers)]))
        else:
            evening = datetime.datetime.combine(day, night_starts, zone)
            plan.append(PlannedShift(day, ShiftKind.DAY, start, evening, leader,
                                     officers[i % len(officers)]))
            plan.append(PlannedShift(day, ShiftKind.NIGHT, evening, next_start, leader,
                                     officers[(i + 1) % len(officers)]))
        day += datetime.timedelta(days=1)
    return plan
