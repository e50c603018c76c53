"""Filing (备案) of an emergency plan, a `geo.workflow.Review`: draft → submitted → filed |
returned (→ submitted again), or withdrawn back to draft by its owner before a decision.

The owner (a user of the plan's organisation) submits a plan that has its files; a
supervisor over the plan who is not its owner files it, and the plan takes the next
filing number of its county and year from `document_number_next` (kind "plan_filing"),
or returns it with a reason. Who and when are kept on the plan and in the audit log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.workflow import ACCEPT, RETURN, SUBMIT, WITHDRAW, Review, document_number_next
from registry.plans.models import EmergencyPlan, PlanState


class PlanFiling(Review):
    model = EmergencyPlan
    drafts = frozenset({PlanState.DRAFT, PlanState.RETURNED})
    submitted, accepted, returned = PlanState.SUBMITTED, PlanState.FILED, PlanState.RETURNED
    withdrawn = PlanState.DRAFT
    reason_field = "return_reason"
    verbs = {SUBMIT: gettext_lazy("提交备案"), ACCEPT: gettext_lazy("备案"),
             RETURN: gettext_lazy("退回"), WITHDRAW: gettext_lazy("撤回备案")}
    refusals = {"owner": gettext_lazy("只有预案编制单位可以执行此操作"),
                "decider": gettext_lazy("只有管辖该预案的监管人员可以备案或退回")}
    wrong_state = {SUBMIT: gettext_lazy("只有草稿或已退回的预案可以提交备案"),
                   ACCEPT: gettext_lazy("只有已提交备案的预案可以备案"),
                   RETURN: gettext_lazy("只有已提交备案的预案可以退回"),
                   WITHDRAW: gettext_lazy("只有已提交备案的预案可以撤回")}
    reason_required = gettext_lazy("请填写退回原因")

    def check(self, action: str, plan: EmergencyPlan, user, reason: str) -> None:
        now = timezone.now()
        if action == SUBMIT:
            if not plan.attachments.exists():
                raise ValidationError({"attachments": _("提交备案前请上传预案文件")})
            plan.submitted_by, plan.submitted_at = user, now
            plan.decided_by = plan.decided_at = None
            plan.return_reason = ""  # the audit log keeps it
        elif action in (ACCEPT, RETURN):
            plan.decided_by, plan.decided_at = user, now
            plan.return_reason = reason if action == RETURN else ""
        if action == ACCEPT:
            plan.filing_number = plan.filing_number or document_number_next(
                area=plan.division_code[:6], year=timezone.localdate(now).year,
                kind="plan_filing")

    def link(self, plan: EmergencyPlan) -> str:
        return reverse("plans:detail", args=[plan.pk])

    def decider_organisation_id(self, plan: EmergencyPlan) -> int | None:
        if plan.enterprise_id:
            return plan.enterprise.supervising_department_id
        return plan.organisation.parent_id if plan.organisation_id else None


FILING = PlanFiling()
