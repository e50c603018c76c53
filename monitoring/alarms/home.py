"""The workbench blocks (geo.home) of alarms and warnings: the newest open warnings, and
the open warnings by level beside a chart of the alarms of the last seven days. Shared per
scope (cached); for callers who see places' rows (not visitors, not the overseers)."""

from __future__ import annotations

import datetime

from django.urls import reverse, reverse_lazy
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.home import Bar, Figure, HomeAsk, Item, Panel, home_block, home_shortcut, when
from geo.scope import PUBLIC
from monitoring.alarms import selectors
from monitoring.alarms.models import WarningLevel

TONES = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
DAYS = 7


@home_block(20, gettext_lazy("最新预警"), key="warnings_recent", shared=True)
def warnings_recent(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    rows = selectors.warnings_open_recent(scope=ask.scope, limit=6)
    return Panel(items=[Item(
        w.title, reverse("alarms:warning", args=[w.pk]), tone=TONES.get(w.level, ""),
        note=f"{w.enterprise.name} · {when(w.raised_at, 'm-d H:i')}")
        for w in rows], more_url=reverse("alarms:alarms"), empty=_("暂无未关闭的预警"))


@home_block(30, gettext_lazy("监测预警态势"), key="monitoring", shared=True)
def monitoring(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    levels = selectors.open_warning_levels(scope=ask.scope)
    since = ask.today - datetime.timedelta(days=DAYS - 1)
    days = selectors.alarms_by_day(scope=ask.scope, since=since)
    alarms = reverse("alarms:alarms")
    return Panel(
        figures=[Figure(str(label), levels.get(level, 0), alarms, TONES[level])
                 for level, label in WarningLevel.choices],
        chart=_("近7日报警数"),
        bars=[Bar(formats.date_format(day, "m-d"), days.get(day, 0))
              for day in (since + datetime.timedelta(days=n) for n in range(DAYS))])


def _sees_monitoring(ask: HomeAsk) -> bool:
    return ask.scope is not PUBLIC


home_shortcut(30, gettext_lazy("监测报警"), key="alarms", url=reverse_lazy("alarms:alarms"),
              shows=_sees_monitoring)
home_shortcut(32, gettext_lazy("检修维护与白名单"), key="suppressions",
              url=reverse_lazy("alarms:suppressions"), shows=_sees_monitoring)
home_shortcut(35, gettext_lazy("监测报告"), key="reports", url=reverse_lazy("reports:reports"),
              shows=_sees_monitoring)
