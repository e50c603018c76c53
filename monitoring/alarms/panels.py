"""The alarms slice's panels of the large screen (geo.panels): open alarms and warnings
by level, and the alarms of the last 24 hours by hour."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from layers.base import FOUR_COLOURS
from monitoring.alarms.selectors import (
    alarm_open_level_counts,
    alarms_hourly,
    warning_open_counts,
)

# Short names of the alarm levels for a wall (the models' labels are the full ones).
ALARM_SHORT = {1: _("高高/低低"), 2: _("高/低报"), 3: _("速率/不变"), 4: _("无数据/离线")}
WARNING_SHORT = {1: _("红色"), 2: _("橙色"), 3: _("黄色"), 4: _("蓝色")}
OVERDUE = "#FF5A5F"


@screen_panel(30, _("未解除报警"), key="alarms", layer="alarms")
def open_alarms(scope: Scope) -> list[Figure]:
    counts = alarm_open_level_counts(scope=scope)
    return [Figure(_("合计"), sum(counts.values()), key="total"),
            *(Figure(label, counts[level], colour=FOUR_COLOURS[level], key=f"l{level}")
              for level, label in ALARM_SHORT.items())]


@screen_panel(40, _("未关闭预警"), key="warnings", layer="warnings")
def open_warnings(scope: Scope) -> list[Figure]:
    counts = warning_open_counts(scope=scope)
    return [*(Figure(label, counts[level], colour=FOUR_COLOURS[level], key=f"l{level}")
              for level, label in WARNING_SHORT.items()),
            Figure(_("超时升级"), counts["escalated"], colour=OVERDUE, key="escalated")]


@screen_panel(70, _("近24小时报警"), key="alarm_trend", layer="alarms", chart="bars")
def alarm_trend(scope: Scope) -> list[Figure]:
    hours = alarms_hourly(scope=scope, now=timezone.now())
    return [Figure(timezone.localtime(hour).strftime("%H"), n, key=f"h{i}")
            for i, (hour, n) in enumerate(hours)]
