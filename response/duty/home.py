"""The workbench block (geo.home) of duty: who is on duty now (当前值班) in the caller's
area — each roster's shift, its leader, its officer and the duty phone. Shared per scope
(cached for HOME_CACHE_SECONDS, shorter than any shift); one query."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.home import HomeAsk, Item, Panel, home_block, home_shortcut, when
from geo.scope import PUBLIC
from response.duty import selectors


@home_block(12, gettext_lazy("今日值班"), key="duty_today", shared=True)
def duty_today(ask: HomeAsk) -> Panel | None:
    if ask.scope is PUBLIC:
        return None
    shifts = selectors.duty_now(scope=ask.scope, now=ask.now, limit=6)
    return Panel(items=[Item(
        _("%(roster)s：带班 %(leader)s，值班 %(officer)s") % {
            "roster": s.roster.organisation.name, "leader": _name(s.leader),
            "officer": _name(s.officer)},
        reverse("duty:roster", args=[s.roster_id]),
        note=f"{s.get_kind_display()} {when(s.starts_at, 'H:i')}–{when(s.ends_at, 'H:i')}"
             f" · {s.roster.phone}") for s in shifts],
        more_url=reverse("duty:rosters"), empty=_("当前无值班安排"))


def _name(user) -> str:
    return user.get_full_name() or user.username


home_shortcut(25, gettext_lazy("值班值守"), key="duty", url=reverse_lazy("duty:rosters"),
              shows=lambda ask: ask.scope is not PUBLIC)
