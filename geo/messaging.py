"""Unified messaging (统一消息): one call puts each message in its recipient's inbox at most
once (per key) and sends e-mail and SMS copies of the messages that were new.

Outward copies leave only after the surrounding transaction commits, so a rolled-back
job never texts anyone. SMS goes through `settings.SMS_BACKEND` (see `geo.sms`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from geo.models import User


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    key: str
    link: str = ""
    # the outward copies this message may have (a sender's strategy and its recipient's
    # preferences narrow them; the inbox copy is always made)
    channels: frozenset[str] = frozenset({"email", "sms"})


def notify(recipients: Iterable[User], message: Message) -> list[User]:
    """Send one message to several users; returns those who had not had it yet."""
    return notify_many([(user, message) for user in recipients])


def notify_many(pairs: Iterable[tuple[User, Message]]) -> list[User]:
    """Send many (user, message) pairs with one INSERT; returns the newly notified users
    in order, once per new message. Pairs already sent (same user and key) are skipped."""
    pairs = list(pairs)
    if not pairs:
        return []
    rows = [(u.pk, m.kind, m.title, m.body, m.link, m.key) for u, m in pairs]
    columns = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO geo_notification (recipient_id, kind, title, body, link, key, created)"
            " SELECT r, k, t, b, l, y, now() FROM unnest(%s::bigint[], %s::text[], %s::text[],"
            " %s::text[], %s::text[], %s::text[]) AS u(r, k, t, b, l, y)"
            " ON CONFLICT (recipient_id, key) DO NOTHING RETURNING recipient_id, key",
            [list(c) for c in columns])
        new = set(cursor.fetchall())
    fresh = [(u, m) for u, m in pairs if (u.pk, m.key) in new]
    transaction.on_commit(lambda: _send_copies(fresh))
    return [u for u, _ in fresh]


def _send_copies(pairs: list[tuple[User, Message]]) -> None:
    mails = [(m.title, _text(m), None, [u.email]) for u, m in pairs
             if u.email and "email" in m.channels]
    if mails:
        send_mass_mail(mails, fail_silently=False)
    texts = [(u.mobile, f"{m.title}：{m.body}") for u, m in pairs
             if u.mobile and "sms" in m.channels]
    if texts:
        import_string(settings.SMS_BACKEND)().send_messages(texts)


def _text(message: Message) -> str:
    if not message.link:
        return message.body
    return f"{message.body}\n\n{settings.SITE_URL.rstrip('/')}{message.link}"


def organisation_members(org_ids: Iterable[int | None]) -> dict[int, list[User]]:
    """Active users of each organisation, in one query: whom an organisation's messages
    reach (an enterprise, its supervising department, an agency)."""
    members: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(organisation_id__in={o for o in org_ids if o},
                                    is_active=True):
        members[user.organisation_id].append(user)
    return members


def unread(user: User) -> QuerySet:
    """The user's unread messages (the header counts them with its work queues)."""
    return user.notifications.filter(read_at__isnull=True)


def unread_count(user: User) -> int:
    return unread(user).count()
