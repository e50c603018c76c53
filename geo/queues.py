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

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
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
    round trip whatever the number of queues. The statement (not its counts) is kept for
    the user a few seconds: building a dozen querysets costs more than running them."""
    mine, statement, params = _statement(user)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        first, *counts = cursor.fetchone()
    every = [QueueCount(q, n) for q, n in zip(mine, counts, strict=True)]
    return HeaderCounts(first, [c for c in every if c.count], every)


_STATEMENT_SECONDS = 30.0  # as long as the scope cache (geo.scope): rows follow a role change
_statements: dict[tuple[int, datetime.date], tuple[float, list[Queue], str, list]] = {}


def _statement(user: User) -> tuple[list[Queue], str, list]:
    key = (user.pk, timezone.localdate())  # queues of "today" change at midnight
    hit = _statements.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1], hit[2], hit[3]
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
    if len(_statements) > 10_000:  # bounded: a day of distinct users, then start again
        _statements.clear()
    found = ([q for q, _rows in mine], "SELECT " + ", ".join(parts), params)
    _statements[key] = (time.monotonic() + _STATEMENT_SECONDS, *found)
    return found


def forget_statements() -> None:
    """Drop the kept statements (tests; a user's role or organisation changed)."""
    _statements.clear()
