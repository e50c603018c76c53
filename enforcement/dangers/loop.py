"""The hidden-danger closed loop (隐患闭环, reference §6.3) on `geo.workflow.Flow`:

登记 registered → 定级 graded (一般 / 重大) → 整改中 rectifying → 待验收 awaiting → 验收通过
accepted → 销号 closed; a failed acceptance goes back to rectifying with the reason.

The enterprise (the owner) registers, grades, rectifies and applies for acceptance. A
general danger (一般) it accepts and closes itself (16号令: rectified at once by the
enterprise). A major one (重大) needs the assessment and the six-part governance plan
(治理方案) before rectification starts, is reported to the supervising department (the
owner's steps on it go to the department's inbox), and its acceptance and closing are the
department's (a supervisor over the danger who is not its owner). A supervisor may also
register a danger found on inspection; the enterprise is then told.

挂牌督办 is a second, smaller flow on the `supervision` column (`SUPERVISION`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.dangers.models import (
    DangerLevel,
    DangerState,
    HiddenDanger,
    HiddenDangerStep,
    ManageType,
    Stage,
    Supervision,
    tone_of,
)
from geo import authority, messaging
from geo.workflow import DECIDER, OWNER, Flow, Step

S = DangerState
GENERAL, MAJOR = frozenset({DangerLevel.GENERAL}), frozenset({DangerLevel.MAJOR})
PLAN_FIELDS = ("plan_goal", "plan_methods", "plan_funding", "plan_organisation",
               "plan_schedule", "plan_safety")


@dataclass(frozen=True)
class DangerStep(Step):
    """A step of the loop, open only to dangers of `levels` (every level when empty)."""

    levels: frozenset[str] = frozenset()


def _step(sources, target, by, verb, levels=frozenset(), reason=False) -> DangerStep:
    return DangerStep(frozenset(sources), target, by, verb, reason, levels)


class DangerLoop(Flow):
    model = HiddenDanger
    reason_field = "acceptance_comment"
    reason_required = gettext_lazy("验收不通过时须填写原因")
    steps = {
        "register": _step((), S.REGISTERED, OWNER, gettext_lazy("登记隐患")),
        "grade": _step((S.REGISTERED, S.GRADED), S.GRADED, OWNER, gettext_lazy("定级")),
        "start": _step((S.GRADED,), S.RECTIFYING, OWNER, gettext_lazy("开始整改")),
        "submit": _step((S.RECTIFYING,), S.AWAITING, OWNER, gettext_lazy("申请验收")),
        "accept": _step((S.AWAITING,), S.ACCEPTED, OWNER, gettext_lazy("验收通过"), GENERAL),
        "reject": _step((S.AWAITING,), S.RECTIFYING, OWNER, gettext_lazy("验收不通过"),
                        GENERAL, reason=True),
        "confirm": _step((S.AWAITING,), S.ACCEPTED, DECIDER, gettext_lazy("监管部门验收通过"),
                         MAJOR),
        "refuse": _step((S.AWAITING,), S.RECTIFYING, DECIDER,
                        gettext_lazy("监管部门验收不通过"), MAJOR, reason=True),
        "close": _step((S.ACCEPTED,), S.CLOSED, OWNER, gettext_lazy("销号"), GENERAL),
        "close_major": _step((S.ACCEPTED,), S.CLOSED, DECIDER, gettext_lazy("监管部门销号"),
                             MAJOR),
    }
    refusals = {OWNER: gettext_lazy("只有本企业用户可以办理本企业的隐患"),
                DECIDER: gettext_lazy("只有管辖该企业的监管部门可以办理")}
    wrong_state_default = gettext_lazy("当前状态（%(state)s）不能%(action)s")
    level_refusals = {DangerLevel.GENERAL: gettext_lazy("一般隐患由企业自行验收、销号"),
                      DangerLevel.MAJOR: gettext_lazy("重大隐患须由监管部门验收、销号"),
                      "": gettext_lazy("隐患尚未定级")}

    def take(self, action: str, row: HiddenDanger, *, user, reason: str = "") -> HiddenDanger:
        step = self.step(action)
        if step.levels and row.level not in step.levels:  # a refusal that says why
            raise ValidationError({"level": self.level_refusals[row.level]})
        return super().take(action, row, user=user, reason=reason)

    def allowed(self, step: DangerStep, user, row: HiddenDanger) -> bool:
        if step.levels and row.level not in step.levels:
            return False
        if step is self.steps["register"]:  # found by the enterprise or on inspection
            return authority.owns(user, row) or authority.supervises(user, row)
        return super().allowed(step, user, row)

    def check(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        now = timezone.now()
        getattr(self, f"_check_{action}", lambda *a: None)(row, user, reason, now)

    def save(self, row: HiddenDanger) -> None:
        row.tone = tone_of(row.level, row.state)
        row.save()

    def record(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        HiddenDangerStep.objects.create(danger=row, action=action, state=row.state, user=user,
                                        reason=reason)

    def link(self, row: HiddenDanger) -> str:
        return reverse("dangers:detail", args=[row.pk])

    def decider_organisation_id(self, row: HiddenDanger) -> int | None:
        return row.enterprise.supervising_department_id

    def summary(self, action: str, row: HiddenDanger, reason: str) -> str:
        if action == "start" and row.is_major:  # the report of 16号令 art. 14
            return _("隐患现状：%(d)s\n产生原因：%(c)s\n危害程度和整改难易程度分析：%(a)s\n"
                     "治理目标和任务：%(g)s\n治理时限：%(t)s") % {
                "d": row.description, "c": row.cause, "a": row.assessment,
                "g": row.plan_goal, "t": row.deadline or ""}
        return reason or row.description

    def notify(self, action: str, row: HiddenDanger, reason: str) -> None:
        """The department hears of the owner's steps on major dangers only (a general one
        is the enterprise's own business); the enterprise hears of the department's steps,
        and of a danger a supervisor registered for it."""
        if action == "register":
            if row.registered_by_id and not authority.owns(row.registered_by, row):
                _tell_owner(self, action, row, reason)
            return
        if self.step(action).by == OWNER and not row.is_major:
            return
        super().notify(action, row, reason)

    # ---- what each step needs -----------------------------------------------------------
    def _check_register(self, row, user, reason, now) -> None:
        row.registered_at, row.registered_by = now, user
        _require(row, ("name", "description"))

    def _check_grade(self, row, user, reason, now) -> None:
        _require(row, ("level", "manage_type"))
        if row.manage_type == ManageType.IMMEDIATE and row.deadline is None:
            row.deadline = timezone.localdate(now)  # 即查即改: due the day it is found
        if row.is_major and row.manage_type == ManageType.IMMEDIATE:
            raise ValidationError({"manage_type": _("重大隐患须限期治理，不能即查即改")})

    def _check_start(self, row, user, reason, now) -> None:
        # 五落实: responsibility, measures, money, time and (for a major danger) the plan
        needed = ["control_measures", "liable_person", "deadline"]
        if row.is_major:
            needed += ["cost", "assessment", *PLAN_FIELDS]
        _require(row, needed)

    def _check_submit(self, row, user, reason, now) -> None:
        _require(row, ("rectification",))
        if row.is_major and not row.photos.filter(stage=Stage.AFTER).exists():
            raise ValidationError({"photos": _("重大隐患申请验收须上传整改后照片")})
        row.rectified_at = now

    def _check_accept(self, row, user, reason, now) -> None:
        row.accepted_by, row.accepted_at, row.acceptance_comment = user, now, reason

    _check_confirm = _check_accept

    def _check_reject(self, row, user, reason, now) -> None:
        row.accepted_by, row.accepted_at, row.acceptance_comment = None, None, reason

    _check_refuse = _check_reject

    def _check_close(self, row, user, reason, now) -> None:
        row.closed_at = now
        if row.supervision == Supervision.SUPERVISED:  # 销号 takes the plate down (摘牌)
            row.supervision = Supervision.LIFTED

    _check_close_major = _check_close


class DangerSupervision(Flow):
    """挂牌督办: the department puts a major danger under supervision with a deadline and
    its requirements (set on the row before the step), and lifts it (摘牌)."""

    model = HiddenDanger
    state_field = state_error_field = "supervision"
    steps = {
        "supervise": Step(frozenset({Supervision.NONE, Supervision.LIFTED}),
                          Supervision.SUPERVISED, DECIDER, gettext_lazy("挂牌督办")),
        "lift": Step(frozenset({Supervision.SUPERVISED}), Supervision.LIFTED, DECIDER,
                     gettext_lazy("摘牌")),
    }
    refusals = {DECIDER: gettext_lazy("只有管辖该企业的监管部门可以挂牌督办"),
                OWNER: gettext_lazy("只有管辖该企业的监管部门可以挂牌督办")}
    wrong_state_default = gettext_lazy("当前督办状态（%(state)s）不能%(action)s")
    reason_required = ""

    def allowed(self, step: Step, user, row: HiddenDanger) -> bool:
        return row.is_major and super().allowed(step, user, row)

    def check(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        if action == "supervise":
            if row.state == S.CLOSED:
                raise ValidationError({"state": _("已销号的隐患不能挂牌督办")})
            _require(row, ("supervision_deadline",))
            row.supervised_by_id = user.organisation_id

    def record(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        HiddenDangerStep.objects.create(danger=row, action=action, state=row.state, user=user,
                                        reason=reason or row.supervision_note)

    def link(self, row: HiddenDanger) -> str:
        return reverse("dangers:detail", args=[row.pk])

    def summary(self, action: str, row: HiddenDanger, reason: str) -> str:
        if action == "supervise":
            return _("督办期限：%(d)s。%(n)s") % {"d": row.supervision_deadline,
                                               "n": row.supervision_note}
        return reason


def _tell_owner(flow: Flow, action: str, row: HiddenDanger, reason: str) -> None:
    org = row.organisation_id
    recipients = messaging.organisation_members([org]).get(org, []) if org else []
    if recipients:
        messaging.notify(recipients, messaging.Message(
            kind="review.hiddendanger", title=_("%(action)s：%(name)s") % {
                "action": flow.step(action).verb, "name": row},
            body=row.description, link=flow.link(row), key=f"review.hiddendanger:{row.pk}:"
            f"{action}"))


def _require(row: HiddenDanger, fields) -> None:
    """Refuse naming every empty field that the step needs."""
    missing = {name: _("请填写%(f)s") % {"f": row._meta.get_field(name).verbose_name}
               for name in fields if getattr(row, name) in (None, "")}
    if missing:
        raise ValidationError(missing)


LOOP = DangerLoop()
SUPERVISION = DangerSupervision()
