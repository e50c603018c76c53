"""The workbench block (geo.home) of cases: those waiting for the user's step."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.cases.selectors import case_due, cases_awaiting
from geo import authority
from geo.home import HomeAsk, Item, Panel, home_block, home_shortcut, when


@home_block(45, gettext_lazy("待办案件"), key="cases")
def cases(ask: HomeAsk) -> Panel | None:
    if not authority.is_supervisor(ask.user) or ask.user.organisation_id is None:
        return None  # only an agency's officers take steps (and no query for the rest)
    rows = cases_awaiting(user=ask.user)
    items = []
    for case in rows:
        due = case_due(case)
        late = due is not None and due < ask.now
        items.append(Item(str(case), reverse("cases:detail", args=[case.pk]),
                          note=f"{case.get_state_display()}"
                          + (f" · {_('期限')} {when(due, 'Y-m-d')}" if due else ""),
                          tone="red" if late else ""))
    return Panel(items=items, more_url=reverse("cases:list"), empty=_("暂无待办案件"))


home_shortcut(45, gettext_lazy("行政处罚案件"), key="cases", url=reverse_lazy("cases:list"),
              shows=lambda ask: ask.scope.everything or ask.scope.prefix is not None)
