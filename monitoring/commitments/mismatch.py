"""The mismatch check (研判不符): a card that says the major hazard sources are safe while
that day an HH alarm or a red or orange warning of the enterprise is or was open is
flagged once and told to the enterprise's supervising department.

One UPDATE for the whole day marks the cards (`flagged_at` set once, so a card is flagged
once however often the check runs); the inbox messages are keyed by the card, so even a
repeated send reaches nobody twice."""

from __future__ import annotations

import datetime

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from geo import messaging
from monitoring.commitments.deadline import day_bounds

# An alarm or warning is open during [start, end) of the day when it was raised before the
# day ended and had not cleared (alarm) or closed (warning) before the day began. HH is a
# level-1 threshold alarm going high (monitoring.alarms: level 1 = HH / LL); red and orange
# warnings are levels 1 and 2.
_FLAG_SQL = """
UPDATE monitoring_commitment c SET flagged_at = %(now)s
FROM registry_enterprise e
WHERE c.day = %(day)s AND c.hazards_safe AND c.flagged_at IS NULL AND e.id = c.enterprise_id
  AND (EXISTS (SELECT 1 FROM monitoring_alarm a
               WHERE a.enterprise_id = c.enterprise_id AND a.kind = 'threshold'
                 AND a.level = 1 AND a.direction = 'high' AND a.raised_at < %(end)s
                 AND (a.cleared_at IS NULL OR a.cleared_at >= %(start)s))
       OR EXISTS (SELECT 1 FROM monitoring_earlywarning w
                  WHERE w.enterprise_id = c.enterprise_id AND w.level IN (1, 2)
                    AND w.raised_at < %(end)s
                    AND (w.closed_at IS NULL OR w.closed_at >= %(start)s)))
RETURNING c.id, c.day, e.id, e.name, e.supervising_department_id
"""


def commitments_mismatch_flag(*, day: datetime.date, now: datetime.datetime) -> list[int]:
    """Flag the day's mismatched "safe" cards not flagged yet; returns their ids."""
    start, end = day_bounds(day)
    with connection.cursor() as cursor:
        cursor.execute(_FLAG_SQL, {"now": now, "day": day, "start": start, "end": end})
        flagged = cursor.fetchall()
    members = messaging.organisation_members(row[4] for row in flagged)
    messaging.notify_many((user, _message(card_id, card_day, ent_id, name))
                          for card_id, card_day, ent_id, name, dept in flagged
                          for user in members.get(dept, []))
    return sorted(row[0] for row in flagged)


def _message(card_id: int, day: datetime.date, enterprise_id: int,
             name: str) -> messaging.Message:
    body = _("%(name)s %(day)s 承诺重大危险源处于安全状态，但当日存在高高报警或红色、橙色预警，"
             "请核实研判情况。") % {"name": name, "day": day.isoformat()}
    link = reverse("commitments:commitments") + f"?day={day.isoformat()}&flagged=1"
    return messaging.Message(kind="monitoring.commitment_mismatch", title=_("安全承诺研判不符"),
                             body=body, key=f"commitment-mismatch:{card_id}", link=link,
                             channels=frozenset())
