"""Who is told of a warning, decided in PostGIS from where it is (按属地推送).

Tiers, from the plant up: the enterprise's own users (its organisation), the grid members
responsible for the grid cells that cover the point, then the park, county, city and
province supervisors whose division's boundary covers it. A level's push strategy names
the tiers told at once; escalation adds the next tier above them, one per overdue
interval. Each message goes to the inbox, and by SMS / e-mail as the strategy and the
user's `AlertPreference` allow (red always by SMS when the strategy says SMS).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from geo import messaging
from geo.models import Role, User
from monitoring.alarms.models import AlertPreference, EarlyWarning, WarningRecipient
from monitoring.alarms.rules import TIERS, Rules

_GOV = {Role.PARK: "park", Role.COUNTY: "county", Role.CITY: "city",
        Role.PROVINCE: "province"}
_GOV_CASE = " ".join(f"WHEN '{role}' THEN {TIERS.index(t)}" for role, t in _GOV.items())
_RECIPIENTS = f"""
WITH w AS (SELECT id, organisation_id, geom FROM monitoring_earlywarning WHERE id = ANY(%s))
SELECT w.id, u.id, {TIERS.index("enterprise")} FROM w
  JOIN geo_user u ON u.organisation_id = w.organisation_id AND u.role = '{Role.ENTERPRISE}'
  AND u.is_active
UNION
SELECT w.id, u.id, {TIERS.index("grid")} FROM w
  JOIN geo_gridcell g ON ST_Covers(g.geom, w.geom)
  JOIN geo_gridcell_responsible r ON r.gridcell_id = g.id
  JOIN geo_user u ON u.id = r.user_id AND u.is_active
UNION
SELECT w.id, u.id, CASE u.role {_GOV_CASE} END FROM w
  JOIN geo_division d ON ST_Covers(d.geom, w.geom)
  JOIN geo_user u ON u.division_id = d.code AND u.is_active
  AND u.role IN ({", ".join(f"'{r}'" for r in _GOV)})
"""


def tiers_for(warning: EarlyWarning, rules: Rules) -> set[int]:
    """The tiers told: the strategy's, and those escalation added above them."""
    named = {TIERS.index(t) for t in rules.push(warning.level)["tiers"]}
    return named | set(range(max(named) + 1, warning.tier + 1))


def warnings_push(warnings: list[tuple[EarlyWarning, Rules]], *, now: datetime,
                  step: str = "pushed") -> int:
    """Tell each warning's recipients (all of them: a first push, a reminder, or after an
    upgrade or escalation). Returns the number of messages that were new."""
    if not warnings:
        return 0
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_RECIPIENTS, [[w.pk for w, _r in warnings]])
        for warning_id, user_id, tier in cursor.fetchall():
            found[warning_id].append((user_id, tier))
    users = User.objects.in_bulk({u for pairs in found.values() for u, _t in pairs})
    prefs = AlertPreference.objects.in_bulk(list(users))
    pairs, seen = [], []
    for warning, rules in warnings:
        allowed = tiers_for(warning, rules)
        warning.pushes += 1
        message = _message(warning, rules, step)
        for user_id, tier in found.get(warning.pk, []):
            if tier in allowed:
                pairs.append((users[user_id], _narrowed(message, warning.level,
                                                        prefs.get(user_id))))
                seen.append(WarningRecipient(warning=warning, user_id=user_id, tier=tier,
                                             first_at=now, last_at=now))
        warning.last_pushed_at = now
        warning.tier = max(warning.tier, max(allowed))
    EarlyWarning.objects.bulk_update([w for w, _r in warnings],
                                     ["pushes", "last_pushed_at", "tier"])
    WarningRecipient.objects.bulk_create(seen, update_conflicts=True,
                                         unique_fields=["warning", "user"],
                                         update_fields=["last_at"])
    return len(messaging.notify_many(pairs))


def _message(warning: EarlyWarning, rules: Rules, step: str) -> messaging.Message:
    strategy = rules.push(warning.level)
    prefix = {"pushed": "", "reminded": _("【提醒】"), "escalated": _("【升级上报】"),
              "upgraded": _("【预警升级】")}[step]
    return messaging.Message(
        kind="monitoring.warning",
        title=prefix + _("%(level)s：%(title)s") % {"level": warning.get_level_display(),
                                                   "title": warning.title},
        body=warning.reason, link=reverse("alarms:warning", args=[warning.pk]),
        key=f"warning:{warning.pk}:{warning.pushes}",
        channels=frozenset(strategy["channels"]) - {"inbox"})


def _narrowed(message: messaging.Message, level: int,
              pref: AlertPreference | None) -> messaging.Message:
    if pref is None:
        return message
    channels = set(message.channels)
    if level > pref.sms_up_to and level != 1:
        channels.discard("sms")
    if level > pref.email_up_to:
        channels.discard("email")
    return messaging.Message(**{**message.__dict__, "channels": frozenset(channels)})
