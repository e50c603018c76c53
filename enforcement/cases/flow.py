"""The procedure of a case (行政处罚程序) as a `geo.workflow.Flow`:

立案 file (the head) → 调查取证 → 送法制审核 (a handler) → 法制审核 pass | return (a legal
reviewer who does not handle the case) → 告知 notify (a handler) → 陈述申辩 state, or
申请听证 → 听证 hear (a handler; a hearing only when the penalty qualifies) → 决定 decide
(the head; the fine within its discretion range) → 执行 execute (a handler) → 结案 close
(the head). The head may also cancel the filing (撤销立案) or transfer the case (移送)
before a decision.

Every step is the agency's (the owner side of the write gate); who inside the agency may
take it is the step's `actor`: a handler of the case (承办人员, `CaseMember`), the agency's
head or its legal reviewer (`geo.models.Post`, asked through `geo.authority.holds_post`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.cases import deadlines, discretion
from enforcement.cases.models import Case, CaseMember, CaseState, CaseStep, PenaltyKind
from geo import authority, messaging
from geo.models import Post, User
from geo.workflow import OWNER, Flow, Step

HANDLER, HEAD, LEGAL = "handler", "head", "legal"
S = CaseState
BEFORE_DECISION = frozenset({S.PROPOSED, S.INVESTIGATING, S.REVIEWING, S.REVIEWED})
# Penalties that give the party a hearing whatever the fine (《行政处罚法》第六十三条).
HEARING_PENALTIES = frozenset({PenaltyKind.SUSPENSION, PenaltyKind.LICENCE,
                               PenaltyKind.QUALIFICATION, PenaltyKind.RESTRICTION,
                               PenaltyKind.CLOSURE})
# What a step may change on the case besides its state (the rest is refused).
STEP_FIELDS = {"decide": {"violation", "circumstance", "penalties", "fine",
                          "penalty_basis", "legal_basis"}}


@dataclass(frozen=True)
class Act(Step):
    actor: str = HANDLER


def _act(sources, target, verb, actor, reason_required=False) -> Act:
    return Act(frozenset(sources), target, OWNER, verb, reason_required, actor)


STEPS = {
    "file": _act({S.PROPOSED}, S.INVESTIGATING, gettext_lazy("批准立案"), HEAD),
    "submit_review": _act({S.INVESTIGATING}, S.REVIEWING, gettext_lazy("送法制审核"),
                          HANDLER),
    "pass_review": _act({S.REVIEWING}, S.REVIEWED, gettext_lazy("法制审核通过"), LEGAL),
    "return_review": _act({S.REVIEWING}, S.INVESTIGATING, gettext_lazy("退回补充调查"),
                          LEGAL, True),
    "notify": _act({S.REVIEWED}, S.NOTIFIED, gettext_lazy("告知"), HANDLER),
    "state": _act({S.NOTIFIED}, S.HEARD, gettext_lazy("记录陈述申辩"), HANDLER, True),
    "request_hearing": _act({S.NOTIFIED}, S.HEARING, gettext_lazy("申请听证"), HANDLER),
    "hear": _act({S.HEARING}, S.HEARD, gettext_lazy("记录听证"), HANDLER, True),
    "decide": _act({S.HEARD, S.NOTIFIED}, S.DECIDED, gettext_lazy("作出处罚决定"), HEAD),
    "execute": _act({S.DECIDED}, S.EXECUTED, gettext_lazy("执行完毕"), HANDLER, True),
    "close": _act({S.EXECUTED}, S.CLOSED, gettext_lazy("结案"), HEAD),
    "cancel": _act(BEFORE_DECISION, S.CANCELLED, gettext_lazy("撤销立案"), HEAD, True),
    "transfer": _act(BEFORE_DECISION, S.TRANSFERRED, gettext_lazy("移送"), HEAD, True),
}
ACTOR_LABELS = {HANDLER: gettext_lazy("只有本案承办人员可以办理此环节"),
                HEAD: gettext_lazy("只有承办机关负责人可以审批此环节"),
                LEGAL: gettext_lazy("只有承办机关的法制审核人员（非本案承办人）可以审核")}


def is_handler(user, case: Case) -> bool:
    return bool(authority.supervises(user, case) and user.pk is not None
                and CaseMember.objects.filter(case=case, user_id=user.pk).exists())


def may_act(actor: str, user, case: Case) -> bool:
    """Whether `user` is the `actor` of a step on `case` (the gate of every step)."""
    if actor == HANDLER:
        return is_handler(user, case)
    if actor == HEAD:
        return authority.holds_post(user, case, Post.HEAD)
    return authority.holds_post(user, case, Post.LEGAL) and not is_handler(user, case)


class CaseFlow(Flow):
    model = Case
    steps = STEPS
    reason_field = "reason"
    reason_required = gettext_lazy("请填写意见或理由")
    refusals = {OWNER: gettext_lazy("无权办理此环节")}

    def __init__(self, changes: dict | None = None) -> None:
        self.changes = changes or {}

    def allowed(self, step: Step, user, row: Case) -> bool:
        return may_act(step.actor, user, row)

    def refusal(self, step: Step) -> str:
        return ACTOR_LABELS[step.actor]

    def check(self, action: str, case: Case, user, reason: str) -> None:
        allowed = STEP_FIELDS.get(action, set())
        unknown = set(self.changes) - allowed
        if unknown:
            raise ValueError(f"step {action!r} does not change {sorted(unknown)}")
        for name, value in self.changes.items():
            setattr(case, name, value)
        now = timezone.now()
        getattr(self, f"_check_{action}", lambda *a: None)(case, now, reason)
        case.stage_since = now

    # ---- per step ---------------------------------------------------------------------
    def _check_file(self, case: Case, now, reason: str) -> None:
        if case.members.count() < 2:
            raise ValidationError({"members": _("执法人员不得少于两人")})
        case.filed_at = now

    def _check_submit_review(self, case: Case, now, reason: str) -> None:
        errors = {name: _("送法制审核前须填写%(f)s") % {
            "f": case._meta.get_field(name).verbose_name}
            for name in ("facts", "evidence", "legal_basis", "penalty_basis")
            if not getattr(case, name)}
        if errors:
            raise ValidationError(errors)
        discretion.fine_check(case)

    def _check_pass_review(self, case: Case, now, reason: str) -> None:
        case.review_opinion = reason

    def _check_return_review(self, case: Case, now, reason: str) -> None:
        case.review_opinion = reason

    def _check_notify(self, case: Case, now, reason: str) -> None:
        case.notified_at = now
        case.statement_due = deadlines.stage_due(S.NOTIFIED, now)

    def _check_state(self, case: Case, now, reason: str) -> None:
        case.statement = reason

    def _check_request_hearing(self, case: Case, now, reason: str) -> None:
        if not hearing_qualifies(case):
            raise ValidationError({"hearing_requested": _(
                "拟作出的处罚不属于听证范围（较大数额罚款、责令停产停业、吊销许可证等）")})
        if case.statement_due and now > case.statement_due:
            raise ValidationError({"hearing_requested": _("已超过申请听证的期限")})
        case.hearing_requested = True

    def _check_hear(self, case: Case, now, reason: str) -> None:
        case.hearing_record = reason

    def _check_decide(self, case: Case, now, reason: str) -> None:
        if case.state == S.NOTIFIED and case.statement_due and now < case.statement_due:
            raise ValidationError({"state": _("陈述申辩期限未满，当事人陈述申辩前不能作出决定")})
        discretion.fine_check(case)
        case.decided_at = now

    def _check_execute(self, case: Case, now, reason: str) -> None:
        case.execution = reason
        case.executed_at = now

    def _check_close(self, case: Case, now, reason: str) -> None:
        case.closed_at = now

    def _check_cancel(self, case: Case, now, reason: str) -> None:
        case.ended_reason = reason

    def _check_transfer(self, case: Case, now, reason: str) -> None:
        case.ended_reason = reason

    # ---- after the save -----------------------------------------------------------------
    def record(self, action: str, case: Case, user, reason: str) -> None:
        CaseStep.objects.create(case=case, action=action, state=case.state, user=user,
                                reason=reason)

    def link(self, case: Case) -> str:
        return reverse("cases:detail", args=[case.pk])

    def notify(self, action: str, case: Case, reason: str) -> None:
        """Tell the people who may take the next steps (the handlers, the head or the
        legal reviewers), not the one who just acted."""
        recipients = next_actors(case)
        if not recipients:
            return
        kind = "case.step"
        messaging.notify(recipients, messaging.Message(
            kind=kind, title=_("%(action)s：%(name)s") % {"action": self.step(action).verb,
                                                         "name": case},
            body=reason, link=self.link(case),
            key=f"{kind}:{case.pk}:{action}:{timezone.now().isoformat()}"))


def hearing_qualifies(case: Case) -> bool:
    """The penalty proposed gives the party the right to a hearing."""
    if HEARING_PENALTIES & set(case.penalties):
        return True
    return bool(case.fine and PenaltyKind.FINE in case.penalties
                and case.fine >= deadlines.hearing_fine(case.party_kind))


def awaiting_states() -> dict[str, set[str]]:
    """Actor → the states in which a step of theirs waits (the head's cancel and transfer
    stand open throughout and wait on nobody)."""
    states: dict[str, set[str]] = {HANDLER: set(), HEAD: set(), LEGAL: set()}
    for action, step in STEPS.items():
        if action not in ("cancel", "transfer"):
            states[step.actor] |= step.sources
    return states


def next_actors(case: Case) -> list[User]:
    """The users who may take a step on `case` now (reminders and notices go to them)."""
    actors = {actor for actor, states in awaiting_states().items() if case.state in states}
    users: dict[int, User] = {}
    if HANDLER in actors:
        users.update((m.user_id, m.user) for m in case.members.select_related("user"))
    posts = [p for a, p in ((HEAD, Post.HEAD), (LEGAL, Post.LEGAL)) if a in actors]
    if posts:
        for user in User.objects.filter(organisation_id=case.organisation_id,
                                        is_active=True, posts__overlap=posts):
            if any(may_act(a, user, case) for a in actors - {HANDLER}):
                users.setdefault(user.pk, user)
    return list(users.values())


FLOW = CaseFlow()
