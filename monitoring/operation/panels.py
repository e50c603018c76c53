"""The operation slice's panel of the large screen (geo.panels): today's online rate
(在线率) and the gateways online now, in the gateways layer's scope."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.panels import Figure, screen_panel
from geo.scope import Scope
from monitoring.operation.rates import online_rows


@screen_panel(50, _("系统运行"), key="operation", layer="gateways")
def online_today(scope: Scope) -> list[Figure]:
    now = timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now),
                                                          datetime.time.min))
    # grouped by province: one row per province in scope (one for all but a national admin)
    rows = online_rows(scope=scope, level="province", start=start, end=now, now=now)
    gateways = sum(r.gateways for r in rows)
    total = sum(r.gateways * r.span_seconds for r in rows)
    rate = 1 - sum(r.down_seconds for r in rows) / total if total > 0 else None
    return [Figure(_("今日在线率"), None if rate is None else round(100 * rate, 1), unit="%",
                   colour="#3DDC97", key="rate"),
            Figure(_("在线网关"), sum(r.online_now for r in rows), key="online"),
            Figure(_("网关总数"), gateways, key="gateways")]
