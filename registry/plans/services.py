"""Writes of emergency plans (应急预案): start from a template, attach files, and the
filing flow (备案) draft → submitted → filed | returned (→ submitted again).

Who may act: only the owner (a user of the plan's organisation) starts, edits and
submits; only a supervisor whose jurisdiction covers the plan, and who is not its
owner, files or returns it. Every change is attributed in the audit log.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import OrganisationKind
from geo.places import owned_copy
from registry.enterprises.models import Enterprise
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanState, PlanTemplate
from registry.plans.validation import attachment_check

EDITABLE = {PlanState.DRAFT, PlanState.RETURNED}


def plan_owner_fields(user) -> dict:
    """enterprise / organisation / division_code of a plan `user` starts, or PermissionDenied."""
    org = user.organisation
    if org is None:
        raise PermissionDenied(_("只有企业或政府单位的用户可以编制预案"))
    if org.kind == OrganisationKind.ENTERPRISE:
        enterprise = Enterprise.objects.filter(organisation=org).first()
        if enterprise is None:
            raise PermissionDenied(_("您的单位未关联企业档案"))
        return {"enterprise": enterprise}  # the rest is copied from it (owned_copy)
    if org.kind == OrganisationKind.GOVERNMENT:
        return {"enterprise": None, "organisation_id": org.pk,
                "division_code": org.division_id}
    raise PermissionDenied(_("只有企业或政府单位的用户可以编制预案"))


@transaction.atomic
def plan_create(*, user, title: str, kind: str, template: PlanTemplate | None = None,
                version: str = "1.0", issued: datetime.date | None = None,
                review_due: datetime.date | None = None) -> EmergencyPlan:
    """A draft plan owned by the user's organisation; the template's outline is copied."""
    plan = EmergencyPlan(
        title=(title or "").strip() or (template.title if template else ""), kind=kind,
        template=template, outline=list(template.outline) if template else [],
        version=version or "1.0", issued=issued, review_due=review_due,
        **plan_owner_fields(user))
    owned_copy(plan)
    plan.full_clean(exclude=["enterprise", "organisation"])
    with acting_as(user.pk):
        plan.save()
    return plan


def plan_attachment_add(*, plan: EmergencyPlan, user, file, name: str = "") -> PlanAttachment:
    """Check the file (raises ValidationError, storing nothing), then store it."""
    with transaction.atomic():
        plan = _owned_editable(plan, user, _("已提交或已备案的预案不能再上传附件"))
        checked = attachment_check(file)
        display = (name or getattr(file, "name", "") or "").strip()[:200] or _("附件")
        stored = default_storage.save(f"plans/{plan.pk}/{uuid.uuid4().hex}{checked.suffix}",
                                      ContentFile(checked.data))
        try:
            with acting_as(user.pk):
                return PlanAttachment.objects.create(
                    plan=plan, file=stored, name=display, media_type=checked.media_type,
                    size=len(checked.data), uploaded_by=user)
        except Exception:
            default_storage.delete(stored)
            raise


@transaction.atomic
def plan_submit(*, plan: EmergencyPlan, user) -> EmergencyPlan:
    """Owner sends a draft (or a returned plan) for filing."""
    plan = _owned_editable(plan, user, _("只有草稿或已退回的预案可以提交备案"))
    if not plan.attachments.exists():
        raise ValidationError({"attachments": _("提交备案前请上传预案文件")})
    return _save(plan, user, state=PlanState.SUBMITTED,
                 return_reason="",  # the audit log keeps it
                 submitted_by=user, submitted_at=timezone.now(),
                 decided_by=None, decided_at=None)


@transaction.atomic
def plan_file(*, plan: EmergencyPlan, user, filing_number: str) -> EmergencyPlan:
    """Supervisor accepts the filing (备案) under a filing number."""
    plan = _submitted_for_decider(plan, user, _("只有已提交备案的预案可以备案"))
    number = (filing_number or "").strip()
    if not number:
        raise ValidationError({"filing_number": _("请填写备案编号")})
    if EmergencyPlan.objects.filter(filing_number=number).exclude(pk=plan.pk).exists():
        raise ValidationError({"filing_number": _("备案编号 %(n)s 已被使用") % {"n": number}})
    return _save(plan, user, state=PlanState.FILED, filing_number=number, return_reason="",
                 decided_by=user, decided_at=timezone.now())


@transaction.atomic
def plan_return(*, plan: EmergencyPlan, user, reason: str) -> EmergencyPlan:
    """Supervisor sends the plan back to its owner with a reason."""
    plan = _submitted_for_decider(plan, user, _("只有已提交备案的预案可以退回"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": _("请填写退回原因")})
    return _save(plan, user, state=PlanState.RETURNED, return_reason=reason,
                 decided_by=user, decided_at=timezone.now())


def _owned_editable(plan: EmergencyPlan, user, message: str) -> EmergencyPlan:
    """The plan locked as it is now, if `user` owns it and it is still editable."""
    plan = _locked(plan)
    _require_owner(user, plan)
    _require_state(plan, EDITABLE, message)
    return plan


def _submitted_for_decider(plan: EmergencyPlan, user, message: str) -> EmergencyPlan:
    """The plan locked as it is now, if it awaits a decision `user` may take."""
    plan = _locked(plan)
    _require_decider(user, plan)
    _require_state(plan, {PlanState.SUBMITTED}, message)
    return plan


def _locked(plan: EmergencyPlan) -> EmergencyPlan:
    # Two supervisors acting at once: the second sees the first one's state; the state
    # is read as it is now, not as the caller last read it.
    return EmergencyPlan.objects.select_for_update().get(pk=plan.pk)


def _save(plan: EmergencyPlan, user, **changes) -> EmergencyPlan:
    for field, value in changes.items():
        setattr(plan, field, value)
    with acting_as(user.pk):
        plan.save()
    return plan


def _require_owner(user, plan: EmergencyPlan) -> None:
    if not authority.owns(user, plan):
        raise PermissionDenied(_("只有预案编制单位可以执行此操作"))


def _require_decider(user, plan: EmergencyPlan) -> None:
    if not authority.may_decide(user, plan):
        raise PermissionDenied(_("只有管辖该预案的监管人员可以备案或退回"))


def _require_state(plan: EmergencyPlan, states: set, message: str) -> None:
    if plan.state not in states:
        raise ValidationError({"state": message})
