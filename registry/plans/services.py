"""Writes of emergency plans (应急预案): start from a template, attach files, and the
filing flow (备案, `registry.plans.filing`): draft → submitted → filed | returned.

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
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import OrganisationKind
from geo.places import owned_copy
from registry.enterprises.models import Enterprise
from registry.plans.filing import FILING
from registry.plans.models import EmergencyPlan, PlanAttachment, PlanTemplate
from registry.plans.validation import attachment_check

EDITABLE = FILING.drafts


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


def plan_submit(*, plan: EmergencyPlan, user) -> EmergencyPlan:
    """Owner sends a draft (or a returned plan) for filing."""
    return FILING.submit(plan, user=user)


def plan_file(*, plan: EmergencyPlan, user) -> EmergencyPlan:
    """Supervisor accepts the filing (备案); the plan takes the next filing number."""
    return FILING.accept(plan, user=user)


def plan_return(*, plan: EmergencyPlan, user, reason: str) -> EmergencyPlan:
    """Supervisor sends the plan back to its owner with a reason."""
    return FILING.send_back(plan, user=user, reason=reason)


def plan_withdraw(*, plan: EmergencyPlan, user) -> EmergencyPlan:
    """Owner takes a submitted plan back to draft before it is decided."""
    return FILING.withdraw(plan, user=user)


def _owned_editable(plan: EmergencyPlan, user, message: str) -> EmergencyPlan:
    """The plan locked as it is now (the review's row lock: an upload waits for a
    decision), if `user` owns it and it is still editable."""
    plan = FILING.lock(plan)
    if not authority.owns(user, plan):
        raise PermissionDenied(FILING.refusals["owner"])
    if plan.state not in EDITABLE:
        raise ValidationError({"state": message})
    return plan
