"""Licence expiry warnings (证照到期提醒) sent at 90, 30 and 7 days and on expiry.

Each licence warns its enterprise's users and its supervising department's users once
per stage; a renewed licence (new valid_to) warns again. Run daily
(`manage.py send_reminders`); running twice sends nothing twice.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from geo.messaging import Message, notify_many, organisation_members
from geo.scope import EVERYTHING
from registry.licences.models import Licence
from registry.licences.selectors import ExpiryStage, licences_expiring


def licence_expiry_notify(*, today: datetime.date) -> int:
    """Send every warning due on `today`; returns how many messages were new."""
    licences = list(licences_expiring(scope=EVERYTHING, today=today, warned_only=True)
                    .select_related("enterprise"))
    recipients = organisation_members(
        o for lic in licences for o in (lic.enterprise.organisation_id,
                                        lic.enterprise.supervising_department_id))
    pairs = [(user, _message(licence, today))
             for licence in licences
             for org in (licence.enterprise.organisation_id,
                         licence.enterprise.supervising_department_id)
             for user in recipients.get(org, ())]
    return len(notify_many(pairs))



def _message(licence: Licence, today: datetime.date) -> Message:
    stage = ExpiryStage(licence.warning_stage)
    left = (licence.valid_to - today).days
    if stage == ExpiryStage.EXPIRED:
        body = _("%(enterprise)s的%(kind)s（%(number)s）已于%(date)s过期。")
    else:
        body = _("%(enterprise)s的%(kind)s（%(number)s）将于%(date)s到期，剩余%(days)s天。")
    return Message(
        kind="licence_expiry",
        title=_("证照到期提醒：%(kind)s（%(stage)s）") % {
            "kind": licence.get_kind_display(), "stage": stage.label},
        body=body % {"enterprise": licence.enterprise.name, "kind": licence.get_kind_display(),
                     "number": licence.number, "date": licence.valid_to.isoformat(),
                     "days": left},
        key=f"licence:{licence.pk}:{stage.value}:{licence.valid_to.isoformat()}",
        link=f"/licences/?stage={stage.value}",
    )
