"""Filing (备案) of a major hazard source, a `geo.workflow.Review`: the owning enterprise
submits (提交备案) or withdraws (撤回), a supervisor whose jurisdiction covers the source
accepts it (受理备案) or returns it with a reason (退回). Each step is kept as a
`HazardSourceFiling` row besides the audit log (HazardSource is audited as a layer model).

An accepted filing takes the next number of its county and year from
`document_number_next` (kind "hazard_filing", e.g. `320101-2026-0007`), and keeps it when
the source is filed again after a change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.models import User
from geo.workflow import ACCEPT, RETURN, SUBMIT, WITHDRAW, Review, document_number_next
from registry.hazards.models import (
    FilingAction,
    FilingState,
    HazardSource,
    HazardSourceFiling,
    ResponsibleRole,
)


class HazardFiling(Review):
    model = HazardSource
    state_field = state_error_field = "filing_state"
    drafts = frozenset({FilingState.DRAFT, FilingState.RETURNED})
    submitted, accepted, returned = FilingState.SUBMITTED, FilingState.ACCEPTED, \
        FilingState.RETURNED
    withdrawn = FilingState.DRAFT
    verbs = {SUBMIT: FilingAction.SUBMIT.label, ACCEPT: FilingAction.ACCEPT.label,
             RETURN: FilingAction.RETURN.label, WITHDRAW: FilingAction.WITHDRAW.label}
    refusals = {"owner": gettext_lazy("只有本企业用户可以提交备案"),
                "decider": gettext_lazy("只有管辖该重大危险源的监管部门可以受理或退回备案")}
    wrong_state = {SUBMIT: gettext_lazy("当前状态“%(s)s”不能提交备案"),
                   ACCEPT: gettext_lazy("当前状态“%(s)s”不是待受理"),
                   RETURN: gettext_lazy("当前状态“%(s)s”不是待受理"),
                   WITHDRAW: gettext_lazy("当前状态“%(s)s”不是待受理")}
    reason_required = gettext_lazy("退回时须填写原因")

    def check(self, action: str, source: HazardSource, user, reason: str) -> None:
        if action == SUBMIT:
            _check_complete(source)
        elif action == ACCEPT:
            now = timezone.now()
            source.filing_number = source.filing_number or document_number_next(
                area=source.division_code[:6], year=timezone.localdate(now).year,
                kind="hazard_filing")
            source.filed_at = now

    def record(self, action: str, source: HazardSource, user, reason: str) -> None:
        HazardSourceFiling.objects.create(
            source=source, action=action, user=user, reason=reason,
            number=source.filing_number if action == ACCEPT else "")

    def link(self, source: HazardSource) -> str:
        return reverse("hazards:detail", args=[source.pk])

    def decider_organisation_id(self, source: HazardSource) -> int | None:
        return source.enterprise.supervising_department_id


FILING = HazardFiling()


def hazard_source_submit(*, source: HazardSource, user: User) -> HazardSource:
    return FILING.submit(source, user=user)


def hazard_source_accept(*, source: HazardSource, user: User, reason: str = "") -> HazardSource:
    """Accept a submitted filing and give it the next number of its county and year."""
    return FILING.accept(source, user=user, reason=reason)


def hazard_source_return(*, source: HazardSource, user: User, reason: str) -> HazardSource:
    return FILING.send_back(source, user=user, reason=reason)


def hazard_source_withdraw(*, source: HazardSource, user: User) -> HazardSource:
    """The enterprise takes its submission back before the supervisor decides."""
    return FILING.withdraw(source, user=user)


def hazard_source_refile_needed(source: HazardSource) -> HazardSourceFiling | None:
    """A submitted or filed source whose identification or grading changed goes back to
    the enterprise to be filed again (《危险化学品重大危险源监督管理暂行规定》: a changed
    major hazard source updates its file and is filed anew). Called by the evaluation,
    not by a user, so it is no transition of the review."""
    if source.filing_state not in (FilingState.SUBMITTED, FilingState.ACCEPTED):
        return None
    source.filing_state = FilingState.DRAFT
    source.save(update_fields=["filing_state", "updated"])
    return HazardSourceFiling.objects.create(
        source=source, action=FilingAction.CHANGE, user=None, number=source.filing_number or "",
        reason=_("辨识分级结果已变化（S、R或级别），请更新档案后重新提交备案"))


def _check_complete(source: HazardSource) -> None:
    """What a filing must carry: an evaluated major hazard and its three responsible persons.
    An unevaluated one (未评估) is refused with its reason, never filed without a level."""
    errors = {}
    if source.exposed_people is None:
        errors["exposed_people"] = _("须填写厂外500米内常住人口（0人也须填写）后才能备案")
    if not source.items.exists():
        errors["chemicals"] = _("未登记危险化学品")
    elif source.unevaluated_reason or (source.is_major and source.level is None):
        errors["level"] = _("尚未评估，不能备案：%(reason)s") % {
            "reason": source.unevaluated_reason or _("未确定级别")}
    elif not source.is_major:
        errors["level"] = _("未构成重大危险源，不需也不能备案")
    roles = set(source.persons.values_list("role", flat=True))
    missing = [str(label) for value, label in ResponsibleRole.choices if value not in roles]
    if missing:
        errors["persons"] = _("缺少包保责任人：%(r)s") % {"r": "、".join(missing)}
    if errors:
        raise ValidationError(errors)
