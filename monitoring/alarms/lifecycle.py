"""The two review flows of alarms, on `geo.workflow`:

- release (解除): the enterprise reports its handling (处置反馈: what was done, photos,
  whether it was a false alarm) — acknowledged or returned → handled; the supervising
  department confirms — handled → released (only once the values are back to normal) —
  or returns it with a reason — handled → returned;
- suppression (检修维护 / 白名单): the enterprise files it, its supervisor approves or
  returns it; the enterprise may withdraw it before a decision.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.workflow import ACCEPT, RETURN, SUBMIT, WITHDRAW, Review
from monitoring.alarms import events
from monitoring.alarms.models import (
    Alarm,
    AlarmStatus,
    AlarmStep,
    EarlyWarning,
    Step,
    Suppression,
    SuppressionState,
)

MAX_DAYS = {"maintenance": 7, "whitelist": 90}  # longest window each kind may ask for


class AlarmRelease(Review):
    model = Alarm
    state_field = "status"
    drafts = frozenset({AlarmStatus.ACKNOWLEDGED, AlarmStatus.RETURNED})
    submitted, accepted, returned = (AlarmStatus.HANDLED, AlarmStatus.RELEASED,
                                     AlarmStatus.RETURNED)
    reason_field = "return_reason"
    verbs = {SUBMIT: gettext_lazy("报警处置反馈"), ACCEPT: gettext_lazy("确认解除报警"),
             RETURN: gettext_lazy("退回报警处置")}
    refusals = {"owner": gettext_lazy("只有报警所属企业可以反馈处置情况"),
                "decider": gettext_lazy("只有管辖该企业的监管人员可以确认解除或退回")}
    wrong_state = {SUBMIT: gettext_lazy("报警当前为“%(state)s”，签收后才能反馈处置"),
                   ACCEPT: gettext_lazy("报警当前为“%(state)s”，只有已处置的报警可以解除"),
                   RETURN: gettext_lazy("报警当前为“%(state)s”，只有已处置的报警可以退回")}
    reason_required = gettext_lazy("请填写退回原因")

    def check(self, action: str, alarm: Alarm, user, reason: str) -> None:
        now = timezone.now()
        if action == SUBMIT:
            if not alarm.feedback.strip():
                raise ValidationError({"feedback": _("请填写处置情况")})
            alarm.handled_by, alarm.handled_at, alarm.return_reason = user, now, ""
        elif action == ACCEPT:
            if alarm.cleared_at is None:
                raise ValidationError({"status": _("监测值尚未恢复正常，不能解除报警")})
            alarm.released_by, alarm.released_at = user, now
        elif action == RETURN:
            alarm.return_reason = reason

    def record(self, action: str, alarm: Alarm, user, reason: str) -> None:
        step = {SUBMIT: Step.HANDLED, ACCEPT: Step.RELEASED, RETURN: Step.RETURNED}[action]
        events.steps_publish([AlarmStep.objects.create(
            alarm=alarm, step=step, at=timezone.now(), by=user,
            note=(reason or alarm.feedback)[:500])])
        if action == ACCEPT:
            EarlyWarning.objects.filter(alarm=alarm).update(closed_at=alarm.released_at)

    def link(self, alarm: Alarm) -> str:
        return reverse("alarms:alarm", args=[alarm.pk])

    def decider_organisation_id(self, alarm: Alarm) -> int | None:
        return alarm.enterprise.supervising_department_id


class SuppressionApproval(Review):
    model = Suppression
    drafts = frozenset({SuppressionState.DRAFT, SuppressionState.RETURNED})
    submitted, accepted, returned = (SuppressionState.SUBMITTED, SuppressionState.APPROVED,
                                     SuppressionState.RETURNED)
    withdrawn = SuppressionState.DRAFT
    reason_field = "return_reason"
    verbs = {SUBMIT: gettext_lazy("提交报警屏蔽申请"), ACCEPT: gettext_lazy("批准报警屏蔽"),
             RETURN: gettext_lazy("退回报警屏蔽申请"), WITHDRAW: gettext_lazy("撤回报警屏蔽申请")}
    refusals = {"owner": gettext_lazy("只有申请企业可以执行此操作"),
                "decider": gettext_lazy("只有管辖该企业的监管人员可以审批")}
    wrong_state = {SUBMIT: gettext_lazy("只有草稿或已退回的申请可以提交"),
                   ACCEPT: gettext_lazy("只有待审批的申请可以批准"),
                   RETURN: gettext_lazy("只有待审批的申请可以退回"),
                   WITHDRAW: gettext_lazy("只有待审批的申请可以撤回")}
    reason_required = gettext_lazy("请填写退回原因")

    def check(self, action: str, row: Suppression, user, reason: str) -> None:
        now = timezone.now()
        if action == SUBMIT:
            row.submitted_at, row.return_reason = now, ""
        elif action in (ACCEPT, RETURN):
            row.decided_by, row.decided_at = user, now
            row.return_reason = reason if action == RETURN else ""

    def link(self, row: Suppression) -> str:
        return reverse("alarms:suppressions")

    def decider_organisation_id(self, row: Suppression) -> int | None:
        return row.enterprise.supervising_department_id


RELEASE = AlarmRelease()
SUPPRESSION = SuppressionApproval()


def suppression_problems(*, kind: str, starts, ends, sensors: list) -> dict[str, str]:
    """Field -> what is wrong with a suppression request."""
    found = {}
    if not sensors:
        found["sensors"] = _("请选择至少一个监测点位")
    if starts and ends and ends <= starts:
        found["ends"] = _("结束时间须晚于开始时间")
    elif starts and ends and (ends - starts).days >= MAX_DAYS.get(kind, 0):
        found["ends"] = _("屏蔽时长不能超过 %(d)d 天") % {"d": MAX_DAYS.get(kind, 0)}
    return found
