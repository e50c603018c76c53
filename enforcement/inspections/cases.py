"""The hook a case (立案, another slice: `enforcement/cases/`) is opened through from an
inspection. By registration: the cases slice registers its opener here; this slice never
imports it. The opener receives what the inspection found and suggests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from enforcement.inspections.models import Inspection
from enforcement.inspections.selectors import FailedItem, inspection_failed_items
from geo import authority


@dataclass(frozen=True)
class CaseRequest:
    """What a case opened from an inspection starts with."""

    inspection_id: int
    enterprise_id: int
    division_code: str
    bureau_id: int | None
    inspector_ids: list[int]
    failed: list[FailedItem]  # each with its violation, legal basis and penalty tiers


CaseOpener = Callable[..., Any]  # (*, user, request: CaseRequest) -> the new case
_openers: list[CaseOpener] = []


def case_opener_register(opener: CaseOpener) -> CaseOpener:
    """Register the function that opens a case (the cases slice calls this once)."""
    if opener not in _openers:
        _openers.append(opener)
    return opener


def case_request(inspection: Inspection) -> CaseRequest:
    return CaseRequest(
        inspection_id=inspection.pk, enterprise_id=inspection.enterprise_id,
        division_code=inspection.division_code, bureau_id=inspection.bureau_id,
        inspector_ids=list(inspection.inspectors.values_list("pk", flat=True)),
        failed=inspection_failed_items(inspection))


def inspection_case_open(*, user, inspection: Inspection) -> Any:
    """Open a case from an inspection with failed items, through the registered opener."""
    if not authority.supervises(user, inspection):
        raise PermissionDenied(_("只能对本辖区的检查立案"))
    request = case_request(inspection)
    if not request.failed:
        raise ValidationError(_("本次检查没有不合格项，无需立案"))
    if not _openers:
        raise ValidationError(_("案件办理功能尚未启用"))
    return _openers[-1](user=user, request=request)
