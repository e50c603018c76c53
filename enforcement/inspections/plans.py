"""Writes of enforcement plans (执法计划): annual (重点 / 一般), special (专项) and temporary
(临时) plans of a government body for its area, and the targets chosen for them (drawn ones
join through `draws.draw_run`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.inspections.models import Plan, PlanKind, PlanTarget, TargetSource
from enforcement.library.selectors import targets_scoped
from geo import authority
from geo.audit import acting_as
from geo.models import OrganisationKind
from geo.scope import scope_for_user_id


def plan_create(*, user, title: str, kind: str, year: int, starts: datetime.date,
                ends: datetime.date, description: str = "") -> Plan:
    """A plan of the user's government body for the user's area."""
    org = user.organisation
    code = user.division_id or ""
    if org is None or org.kind != OrganisationKind.GOVERNMENT \
            or not authority.may_place(user, code):
        raise PermissionDenied(_("只有政府部门的监管人员可以制定执法计划"))
    if kind not in PlanKind.values:
        raise ValidationError({"kind": _("未知的计划类型")})
    plan = Plan(title=title.strip(), kind=kind, year=year, starts=starts, ends=ends,
                description=description.strip(), organisation=org, created_by=user,
                division_code=code)
    plan.full_clean(exclude=["organisation", "created_by"])
    with transaction.atomic(), acting_as(user.pk):
        plan.save()
    return plan


def plan_targets_choose(*, user, plan: Plan, target_ids: list[int]) -> int:
    """Put chosen targets (指定) of the target library into the plan; only targets inside
    the plan's area and the user's scope. The number added."""
    if not authority.supervises(user, plan):
        raise PermissionDenied(_("只能管理本辖区的执法计划"))
    prefix = area_prefix(plan.division_code)
    targets = (targets_scoped(scope=scope_for_user_id(user.pk))
               .filter(pk__in=target_ids, division_code__startswith=prefix))
    if len(targets) != len(set(target_ids)):
        raise ValidationError(_("检查对象不在本计划的辖区内"))
    added = 0
    with transaction.atomic(), acting_as(user.pk):
        for target in targets:
            _row, created = PlanTarget.objects.get_or_create(
                plan=plan, enterprise_id=target.enterprise_id,
                defaults={"source": TargetSource.CHOSEN, "division_code": target.division_code})
            added += created
    return added


def area_prefix(code: str) -> str:
    """The significant digits of a padded 12-digit code (what every place inside shares)."""
    for digits in (2, 4, 6, 9):
        if code[digits:] == "0" * (12 - digits):
            return code[:digits]
    return code
