"""Swaps (换班) on `geo.workflow.Review`: the person on a shift asks (提交) that another
member of the roster in the same duty take it, and may withdraw (撤回) before it is
decided; a leader of the roster who is neither of the two approves (批准) — the shift then
names the substitute — or returns it with a reason (退回). Past shifts are not swapped."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo import messaging
from geo.models import Role
from geo.workflow import ACCEPT, OWNER, RETURN, SUBMIT, WITHDRAW, Review, Step
from response.duty.models import DutyMember, DutyRole, DutySwap, SwapState


class SwapReview(Review):
    model = DutySwap
    drafts = frozenset({SwapState.RETURNED, SwapState.WITHDRAWN})
    submitted, accepted, returned = SwapState.SUBMITTED, SwapState.APPROVED, SwapState.RETURNED
    withdrawn = SwapState.WITHDRAWN
    verbs = {SUBMIT: gettext_lazy("申请换班"), ACCEPT: gettext_lazy("批准换班"),
             RETURN: gettext_lazy("退回换班"), WITHDRAW: gettext_lazy("撤回换班")}
    refusals = {OWNER: gettext_lazy("只有本班次的值班人可以申请或撤回换班"),
                "decider": gettext_lazy("只有该值班表的其他带班领导可以审批换班")}
    reason_required = gettext_lazy("退回时须填写原因")

    def allowed(self, step: Step, user, swap: DutySwap) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if step.by == OWNER:
            return user.pk == swap.from_user_id
        if user.is_superuser or user.role == Role.ADMIN:
            return True
        return (user.pk not in (swap.from_user_id, swap.to_user_id)
                and DutyMember.objects.filter(roster_id=swap.shift.roster_id, user=user,
                                              role=DutyRole.LEADER).exists())

    def check(self, action: str, swap: DutySwap, user, reason: str) -> None:
        shift = swap.shift
        if action in (SUBMIT, ACCEPT) and shift.starts_at <= timezone.now():
            raise ValidationError({"shift": _("班次已开始，不能换班")})
        if action == SUBMIT:
            on_duty = shift.leader_id if swap.role == DutyRole.LEADER else shift.officer_id
            if on_duty != swap.from_user_id:
                raise ValidationError({"role": _("申请人不是该班次的%(role)s") % {
                    "role": swap.get_role_display()}})
            if not DutyMember.objects.filter(roster_id=shift.roster_id, user_id=swap.to_user_id,
                                             role=swap.role).exists() \
                    or swap.to_user_id in (shift.leader_id, shift.officer_id):
                raise ValidationError({"to_user": _("替班人须是该值班表同一职责的其他人员")})
        if action == ACCEPT:
            setattr(shift, f"{swap.role}_id", swap.to_user_id)
            shift.save(update_fields=[swap.role])
        if action in (ACCEPT, RETURN):
            swap.decided_by = user
        if action == RETURN:
            swap.reason = reason

    def link(self, swap: DutySwap) -> str:
        return reverse("duty:roster", args=[swap.shift.roster_id])

    def notify(self, action: str, swap: DutySwap, reason: str) -> None:
        """A request goes to the roster's leaders and the substitute; a decision to both."""
        if action == SUBMIT:
            recipients = [m.user for m in DutyMember.objects.filter(
                roster_id=swap.shift.roster_id, role=DutyRole.LEADER).select_related("user")
                if m.user_id != swap.from_user_id] + [swap.to_user]
        elif action in (ACCEPT, RETURN):
            recipients = [swap.from_user, swap.to_user]
        else:
            return
        kind = "duty.swap"
        messaging.notify({u.pk: u for u in recipients}.values(), messaging.Message(
            kind=kind, title=_("%(action)s：%(name)s") % {"action": self.step(action).verb,
                                                         "name": swap},
            body=reason or swap.reason, link=self.link(swap),
            key=f"{kind}:{swap.pk}:{action}:{timezone.now().isoformat()}"))


SWAPS = SwapReview()
