"""Nudges and escalation (提醒与逐级督办), run daily by the job runner: an enterprise whose
check task is late (未按时排查) or whose hidden danger is past its deadline (逾期未整改) is
told first; if still late after N days its county's supervisors are told, after 2N days its
city's, after 3N days its province's (N = `settings.DANGER_ESCALATION_DAYS`, 3 by
default). Each item reaches each level once: the message key names the item, the due date
it missed and the level (`geo.messaging` sends a key to a user once), so the job may run
as often as it likes and a task checked and late again starts over."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.dangers.models import HiddenDanger
from enforcement.dangers.selectors import check_tasks_late, overdue_q
from geo import messaging
from geo.models import LEVEL_DIGITS, SUPERVISOR_ROLES, User

LEVELS = ("enterprise", "county", "city", "province")  # who hears, in order


def escalation_days() -> int:
    return max(1, int(getattr(settings, "DANGER_ESCALATION_DAYS", 3)))


def level_reached(days_late: int, step: int) -> int:
    """How far up a thing `days_late` days late has gone: 0 the enterprise (from the first
    day), 1 the county after `step` days, 2 the city after 2×, 3 the province after 3×."""
    return min(days_late // step, len(LEVELS) - 1) if days_late > 0 else -1


@dataclass(frozen=True)
class Late:
    kind: str            # "check" or "danger"
    pk: int
    title: str
    due: datetime.date
    division_code: str
    organisation_id: int | None
    link: str


def dangers_escalate(*, today: datetime.date) -> dict[str, int]:
    """Tell every level each late check task and overdue danger has reached; returns how
    many new messages went to each level."""
    step = escalation_days()
    items = [*_late_checks(today), *_overdue_dangers(today)]
    reached = {item: level_reached((today - item.due).days, step) for item in items}
    orgs = messaging.organisation_members({i.organisation_id for i in items})
    supervisors = _supervisors({i.division_code for i in items})
    by_level: list[list] = [[] for _level in LEVELS]
    for item, top in reached.items():
        for level in range(top + 1):
            message = _message(item, level, today)
            by_level[level] += [(user, message)
                                for user in _recipients(item, level, orgs, supervisors)]
    # one INSERT per level; what a user already had (same key) is not sent again
    return {LEVELS[level]: len(messaging.notify_many(pairs))
            for level, pairs in enumerate(by_level)}


def _late_checks(today: datetime.date) -> list[Late]:
    return [Late("check", t.pk, t.name, t.next_due, t.division_code, t.organisation_id,
                 reverse("dangers:check_task", args=[t.pk]))
            for t in check_tasks_late(today=today)]


def _overdue_dangers(today: datetime.date) -> list[Late]:
    rows = HiddenDanger.objects.filter(overdue_q(today)).only(
        "pk", "name", "deadline", "supervision", "supervision_deadline", "division_code",
        "organisation_id")
    late = []
    for d in rows:
        dues = [x for x in (d.deadline, d.supervision_deadline if d.supervision ==
                            "supervised" else None) if x is not None and x < today]
        late.append(Late("danger", d.pk, d.name, min(dues), d.division_code,
                         d.organisation_id, reverse("dangers:detail", args=[d.pk])))
    return late


def _area(code: str, level: str) -> str:
    digits = LEVEL_DIGITS[level]
    return code[:digits].ljust(12, "0")


def _supervisors(codes: set[str]) -> dict[str, list[User]]:
    """Active supervisors by their division code, for the county, city and province of
    every code, in one query."""
    areas = {_area(code, level) for code in codes for level in ("county", "city", "province")}
    found: dict[str, list[User]] = defaultdict(list)
    for user in User.objects.filter(division_id__in=areas, role__in=SUPERVISOR_ROLES,
                                    is_active=True):
        found[user.division_id].append(user)
    return found


def _recipients(item: Late, level: int, orgs, supervisors) -> list[User]:
    if level == 0:
        return orgs.get(item.organisation_id, []) if item.organisation_id else []
    return supervisors.get(_area(item.division_code, LEVELS[level]), [])


def _message(item: Late, level: int, today: datetime.date) -> messaging.Message:
    days = (today - item.due).days
    if item.kind == "check":
        title = _("未按时排查：%(name)s") % {"name": item.title}
        body = _("排查任务应于 %(due)s 前完成，已逾期 %(days)s 天。") % {
            "due": item.due.isoformat(), "days": days}
    else:
        title = _("隐患逾期未整改：%(name)s") % {"name": item.title}
        body = _("整改期限为 %(due)s，已逾期 %(days)s 天。") % {
            "due": item.due.isoformat(), "days": days}
    if level:
        body += _("已逐级上报至%(level)s级监管部门。") % {
            "level": {1: _("县"), 2: _("市"), 3: _("省")}[level]}
    kind = f"dangers.{item.kind}_late"
    return messaging.Message(kind=kind, title=title, body=body, link=item.link,
                             key=f"{kind}:{item.pk}:{item.due.isoformat()}:{LEVELS[level]}")
