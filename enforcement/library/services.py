"""Writes of 一单两库 through the write gate (`geo.authority`): a supervisor registers the
inspectors of their area and keeps the target library of their area in step with the
registry (read through `registry.enterprises.selectors`, never its models). The item list
is reference data, loaded by a data migration and kept in the admin."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.library.models import Inspector, Specialty, Target, TargetCategory
from enforcement.library.starter import check_items_load
from geo import authority
from geo.audit import acting_as
from geo.models import OrganisationKind, User
from geo.scope import GOVERNMENT_ROLES, scope_for_user_id
from registry.enterprises.selectors import enterprises_scoped

__all__ = ["check_items_load", "inspector_register", "inspector_set_active",
           "target_classify", "target_rule", "targets_sync"]

# 重点检查对象 by rule: a major hazard source, or a red or orange risk level.
KEY_RISK_LEVELS = (1, 2)


# ---- inspectors ------------------------------------------------------------------------------
def inspector_register(*, user: User, person: User, certificate_number: str,
                       specialties: list[str] | None = None,
                       valid_to: datetime.date | None = None) -> Inspector:
    """Put `person`, a government user, into the inspector library with their certificate
    (执法证号). The row takes the area of the person's organisation (else their own)."""
    code = _government_area(person)
    if not authority.may_place(user, code):
        raise PermissionDenied(_("只能登记本辖区的执法人员"))
    number = certificate_number.strip()
    if not number:
        raise ValidationError({"certificate_number": _("请填写执法证号")})
    unknown = set(specialties or []) - set(Specialty.values)
    if unknown:
        raise ValidationError({"specialties": _("未知的专业：%(s)s") % {"s": "、".join(unknown)}})
    if Inspector.objects.filter(certificate_number=number).exists():
        raise ValidationError({"certificate_number": _("执法证号已登记")})
    if Inspector.objects.filter(user=person).exists():
        raise ValidationError({"user": _("该用户已在执法人员库中")})
    row = Inspector(user=person, certificate_number=number, specialties=specialties or [],
                    certificate_valid_to=valid_to, division_code=code)
    with transaction.atomic(), acting_as(user.pk):
        row.save()
    return row


def inspector_set_active(*, user: User, inspector: Inspector, active: bool) -> Inspector:
    """Take an inspector out of post (调离, 停用) or back; out of post, no draw picks them."""
    if not authority.supervises(user, inspector):
        raise PermissionDenied(_("只能管理本辖区的执法人员"))
    with transaction.atomic(), acting_as(user.pk):
        inspector.active = active
        inspector.save(update_fields=["active"])
    return inspector


def _government_area(person: User) -> str:
    org = person.organisation
    if person.role not in GOVERNMENT_ROLES or org is None \
            or org.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"user": _("执法人员须为政府部门用户")})
    return org.division_id or person.division_id


# ---- targets ---------------------------------------------------------------------------------
def target_rule(enterprise) -> tuple[str, str]:
    """The category by rule and its reason: 重点 for a major hazard source or a red/orange
    risk level, else 一般."""
    if enterprise.has_major_hazard:
        return TargetCategory.KEY, _("构成重大危险源")
    if enterprise.risk_level in KEY_RISK_LEVELS:
        return TargetCategory.KEY, _("风险等级为重大或较大")
    return TargetCategory.GENERAL, _("按规则为一般检查对象")


def targets_sync(*, user: User, prefix: str = "") -> dict[str, int]:
    """Bring the target library of the user's area (under `prefix`) in step with the
    registry: a registered enterprise without a row joins it by rule; a row not fixed by a
    supervisor follows the rule; a cancelled enterprise leaves the draws. Counts by change."""
    if not authority.is_supervisor(user):
        raise PermissionDenied(_("只有监管人员可以维护检查对象库"))
    scope = scope_for_user_id(user.pk)
    enterprises = enterprises_scoped(scope=scope).defer("geom")
    if prefix:
        enterprises = enterprises.filter(division_code__startswith=prefix)
    existing = {t.enterprise_id: t for t in Target.objects.filter(
        enterprise__in=enterprises.values("pk"))}
    counts = {"added": 0, "changed": 0, "left": 0}
    with transaction.atomic(), acting_as(user.pk):
        for enterprise in enterprises.order_by("pk"):
            _sync_one(enterprise, existing.get(enterprise.pk), counts)
    return counts


def _sync_one(enterprise, row: Target | None, counts: dict[str, int]) -> None:
    registered = enterprise.status != "cancelled"
    category, reason = target_rule(enterprise)
    if row is None:
        if registered:
            Target.objects.create(enterprise=enterprise, category=category, reason=reason,
                                  division_code=enterprise.division_code,
                                  organisation_id=enterprise.organisation_id)
            counts["added"] += 1
        return
    changes = {}
    if not row.fixed and (row.category, row.reason) != (category, reason):
        changes.update(category=category, reason=reason)
    if row.active and not registered:
        changes["active"] = False
        counts["left"] += 1
    elif changes:
        counts["changed"] += 1
    if changes:
        for name, value in changes.items():
            setattr(row, name, value)
        row.save(update_fields=list(changes))


def target_classify(*, user: User, target: Target, category: str, reason: str) -> Target:
    """A supervisor fixes a target's category (the rule no longer changes it)."""
    if not authority.supervises(user, target):
        raise PermissionDenied(_("只能管理本辖区的检查对象"))
    if category not in TargetCategory.values:
        raise ValidationError({"category": _("未知的对象类别")})
    if not reason.strip():
        raise ValidationError({"reason": _("请说明分类理由")})
    with transaction.atomic(), acting_as(user.pk):
        target.category, target.reason, target.fixed = category, reason.strip(), True
        target.save(update_fields=["category", "reason", "fixed"])
    return target
