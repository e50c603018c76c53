"""Work queues in the header (待办): what waits for the signed-in user's decision or fix,
with counts and a link to the page that lists it.

Queues are contributed by registration, never imported by the receiver (ARCHITECTURE.md
"Modules and slices"). A slice that has one declares it in its own `queues.py`::

    @work_queue(10, gettext_lazy("档案变更待审"), key="enterprise_edits",
                url=reverse_lazy("enterprise_review_list"))
    def edits_to_review(user: User) -> QuerySet | None:
        return selectors.enterprise_edits_awaiting(user=user)

The function returns the rows waiting for `user` — the same rows the linked page lists —
or None when the queue is not theirs (an enterprise user has nothing to decide).
`geo.authority.decidable` (a supervisor's to decide) and `geo.authority.owned_rows` (an
owner's own, e.g. those returned to it) give the two usual row sets.
`header_counts(user)` counts the unread inbox and every queue in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import Promise

from geo.messaging import unread
from geo.models import User
from geo.slices import SliceRegistry

Items = Callable[[User], QuerySet | None]


@dataclass(frozen=True)
class Queue:
    order: int
    label: str | Promise
    key: str              # unique; the header link's element id is "queue-<key>"
    url: str | Promise    # the page listing the queue's rows
    items: Items


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int


@dataclass(frozen=True)
class HeaderCounts:
    unread: int
    queues: list[QueueCount]  # the user's queues with something waiting, in order
    # every queue of the user, empty ones too (the workbench lists them all)
    mine: list[QueueCount] = field(default_factory=list, compare=False)


_queues: SliceRegistry[Queue] = SliceRegistry("queues", "work queue")


def work_queue(order: int, label: str | Promise, *, key: str,
               url: str | Promise) -> Callable[[Items], Items]:
    """Register the decorated function as a header work queue."""
    def register(items: Items) -> Items:
        _queues.add(key, Queue(order, label, key, url, items))
        return items
    return register


def work_queues() -> list[Queue]:
    """Every registered queue in header order (discovered once, on first use)."""
    return sorted(_queues.all(), key=lambda q: (q.order, q.key))


def header_counts(user: User) -> HeaderCounts:
    """Unread messages and the count of every queue of `user`, in ONE query: each row set
    becomes a scalar `count(*)` subquery of a single SELECT, so the header costs one
    round trip whatever the number of queues."""
    mine = [(q, rows) for q in work_queues() if (rows := q.items(user)) is not None]
    parts, params = [], []
    for rows in [unread(user), *(rows for _q, rows in mine)]:
        try:
            sql, values = rows.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # .none() or `pk__in=[]`: Django writes no SQL for it
            parts.append("0")
            continue
        parts.append(f"(SELECT count(*) FROM ({sql}) AS q)")
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        first, *counts = cursor.fetchone()
    every = [QueueCount(q, n) for (q, _rows), n in zip(mine, counts, strict=True)]
    return HeaderCounts(first, [c for c in every if c.count], every)
