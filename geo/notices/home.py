"""The notices block of the workbench (geo.home): the latest notices the user may read,
unread ones marked; visitors see the public ones."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.home import HomeAsk, Item, Panel, home_block, home_shortcut, when
from geo.notices import selectors
from geo.notices.services import may_write_notices


@home_block(5, gettext_lazy("通知公告"), key="notices")
def notices(ask: HomeAsk) -> Panel:
    rows = selectors.notices_published(user=ask.user, limit=6)
    return Panel(items=[Item(
        n.title, reverse("notices:detail", args=[n.pk]),
        note=f"{n.organisation.name} · {when(n.published_at, 'Y-m-d')}",
        unread=getattr(n, "unread", False)) for n in rows],
        more_url=reverse("notices:list"), empty=_("暂无通知公告"))


home_shortcut(1, gettext_lazy("通知公告"), key="notices", url=reverse_lazy("notices:list"),
              shows=lambda ask: True)
home_shortcut(2, gettext_lazy("撰写通知公告"), key="notice_new", url=reverse_lazy("notices:new"),
              shows=lambda ask: may_write_notices(ask.user))
