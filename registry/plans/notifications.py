"""Emergency plan review reminders (预案评审修订提醒): the owner's users hear 30 days before
a plan's review/revision date and again once it is overdue. Part of the daily
`manage.py send_reminders`; running twice sends nothing twice (keys in geo.messaging)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from geo.messaging import Message, notify_many, organisation_members
from registry.plans.models import EmergencyPlan, PlanState

NOTICE_DAYS = 30


def plan_review_notify(*, today: datetime.date) -> int:
    """Send every review reminder due on `today`; returns how many messages were new."""
    plans = list(EmergencyPlan.objects.filter(
        review_due__lte=today + datetime.timedelta(days=NOTICE_DAYS),
        organisation__isnull=False).exclude(state=PlanState.DRAFT))
    users = organisation_members(plan.organisation_id for plan in plans)
    return len(notify_many([(user, _message(plan, today)) for plan in plans
                            for user in users.get(plan.organisation_id, ())]))



def _message(plan: EmergencyPlan, today: datetime.date) -> Message:
    overdue = plan.review_due < today
    stage = "overdue" if overdue else str(NOTICE_DAYS)
    values = {"title": plan.title, "date": plan.review_due.isoformat(),
              "days": (plan.review_due - today).days}
    body = (_("应急预案《%(title)s》的评审/修订日期%(date)s已过，请及时组织评审修订并重新备案。")
            if overdue else
            _("应急预案《%(title)s》将于%(date)s到期评审/修订，剩余%(days)s天。")) % values
    return Message(kind="plan_review", title=_("应急预案评审修订提醒"), body=body,
                   key=f"plan-review:{plan.pk}:{stage}:{values['date']}",
                   link=f"/plans/{plan.pk}/")
