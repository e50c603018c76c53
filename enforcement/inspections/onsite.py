"""Writes of an on-site inspection (现场检查), a flow on `geo.workflow.Flow`:

    planned (检查方案) --record--> recorded --close--> closed   (at once if all passed)
    recorded --order (责令限期整改)--> rectifying --reinspect (复查)--> closed

Measures decided on site (现场处理措施) are added while recorded or rectifying.

A supervisor of the enterprise's area makes the plan with at least two certified inspectors
(执法人员); one of those inspectors records, orders and re-inspects — government users of
the right area only (`geo.authority`). Photos pass the shared upload intake (`geo.uploads`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.inspections.models import (
    DrawTarget,
    Finding,
    Inspection,
    InspectionState,
    Measure,
    MeasureKind,
    Plan,
    Result,
)
from enforcement.library.selectors import check_items_by_ids, inspector_of, inspectors_active
from geo import authority
from geo.audit import acting_as
from geo.scope import scope_for_user_id
from geo.uploads import JPEG, PNG, upload_read, upload_type
from geo.workflow import DECIDER, OWNER, Flow, Step
from registry.enterprises.selectors import enterprises_scoped

RECORD, CLOSE, ORDER, REINSPECT = "record", "close", "order", "reinspect"
MIN_INSPECTORS = 2  # 《行政处罚法》第四十二条: no fewer than two law-enforcement officers
PHOTO_BYTES = 10 * 1024 * 1024


def inspection_schedule(*, user, enterprise_id: int, scheduled_on: datetime.date,
                        inspector_ids: list[int], item_ids: list[int], purpose: str = "",
                        scheme: str = "", plan: Plan | None = None,
                        pick: DrawTarget | None = None, name: str = "") -> Inspection:
    """The on-site inspection plan (现场检查方案) for one enterprise."""
    scope = scope_for_user_id(user.pk)
    enterprise = enterprises_scoped(scope=scope).filter(pk=enterprise_id).first()
    if enterprise is None or not authority.supervises(user, enterprise):
        raise PermissionDenied(_("只能检查本辖区的企业"))
    if plan is not None and not authority.supervises(user, plan):
        raise PermissionDenied(_("只能使用本辖区的执法计划"))
    if pick is not None:
        inspector_ids = inspector_ids or [a.inspector_id for a in pick.assignments.all()]
    inspectors = list(inspectors_active(scope=scope, today=scheduled_on)
                      .filter(pk__in=inspector_ids))
    if len(inspectors) < MIN_INSPECTORS or len(inspectors) != len(set(inspector_ids)):
        raise ValidationError({"inspectors": _(
            "须由本辖区2名以上在岗且执法证有效的执法人员实施检查")})
    items = list(check_items_by_ids(item_ids).filter(active=True))
    if not items or len(items) != len(set(item_ids)):
        raise ValidationError({"items": _("请从检查事项清单中选择检查事项")})
    row = Inspection(enterprise=enterprise, plan=plan, pick=pick, bureau=user.organisation,
                     name=name.strip() or _("%(e)s现场检查") % {"e": enterprise.name},
                     scheduled_on=scheduled_on, purpose=purpose.strip(), scheme=scheme.strip(),
                     created_by=user, geom=enterprise.geom,
                     division_code=enterprise.division_code,
                     organisation_id=enterprise.organisation_id)
    with transaction.atomic(), acting_as(user.pk):
        row.save()
        row.inspectors.set(inspectors)
        row.items.set(items)
    return row


class InspectionFlow(Flow):
    """The inspection's steps on `geo.workflow.Flow` (one transaction, lock, gate, notice).
    Every step is the inspectors' (the deciding side: government users over the place, not
    the enterprise); `apply` writes what the step carries on the locked row."""

    model = Inspection
    steps = {
        RECORD: Step(frozenset({InspectionState.PLANNED}), InspectionState.RECORDED, DECIDER,
                     gettext_lazy("现场检查记录")),
        CLOSE: Step(frozenset({InspectionState.RECORDED}), InspectionState.CLOSED, DECIDER,
                    gettext_lazy("检查结束")),
        ORDER: Step(frozenset({InspectionState.RECORDED}), InspectionState.RECTIFYING,
                    DECIDER, gettext_lazy("责令限期整改")),
        REINSPECT: Step(frozenset({InspectionState.RECTIFYING}), InspectionState.CLOSED,
                        DECIDER, gettext_lazy("整改复查")),
    }
    refusals = {DECIDER: gettext_lazy("只有本次检查的执法人员可以填写检查记录"),
                OWNER: gettext_lazy("只有本次检查的执法人员可以填写检查记录")}
    reason_required = ""

    def __init__(self, apply: Callable[[Inspection], None] | None = None) -> None:
        self.apply = apply

    def allowed(self, step: Step, user, row: Inspection) -> bool:
        return authority.may_decide(user, row) and _assigned(user, row)

    def check(self, action: str, row: Inspection, user, reason: str) -> None:
        if self.apply is not None:
            self.apply(row)


def _assigned(user, inspection: Inspection) -> bool:
    """`user` holds an active certificate and is one of the inspection's inspectors."""
    own = inspector_of(user)
    return own is not None and own.active and \
        inspection.inspectors.filter(pk=own.pk).exists()


def _inspector_acting(user, inspection: Inspection) -> None:
    if not InspectionFlow().allowed(InspectionFlow.steps[RECORD], user, inspection):
        raise PermissionDenied(InspectionFlow.refusals[DECIDER])


def _locked(inspection: Inspection, *states: str) -> Inspection:
    row = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if row.state not in states:
        raise ValidationError({"state": _("当前状态（%(s)s）不能进行此操作") % {
            "s": row.get_state_display()}})
    return row


def inspection_record(*, user, inspection: Inspection, findings: list[dict],
                      inspected_at: datetime.datetime, place: str = "",
                      summary: str = "") -> Inspection:
    """The record (现场检查记录): one finding per planned item — `item_id`, `result`
    (pass / fail), `description` (required when it failed), `photo` (an upload or None).
    With no failed item the inspection ends at once."""
    _inspector_acting(user, inspection)
    planned = set(inspection.items.values_list("pk", flat=True))
    given = [f["item_id"] for f in findings]
    if set(given) != planned or len(given) != len(planned):
        raise ValidationError({"findings": _("须对检查方案中的每一检查事项给出结论")})
    rows = [_finding(inspection, f) for f in findings]

    def apply(row: Inspection) -> None:
        for finding in rows:
            finding.inspection = row
            finding.save()
        row.inspected_at, row.place, row.summary = inspected_at, place.strip(), summary.strip()
        row.failed_count = sum(r.result == Result.FAIL for r in rows)

    with transaction.atomic():
        row = InspectionFlow(apply).take(RECORD, inspection, user=user)
        if row.failed_count == 0:
            row = InspectionFlow().take(CLOSE, row, user=user)
    return row


def _finding(inspection: Inspection, given: dict) -> Finding:
    result = given.get("result")
    if result not in Result.values:
        raise ValidationError({"findings": _("检查结论应为合格或不合格")})
    description = (given.get("description") or "").strip()
    if result == Result.FAIL and not description:
        raise ValidationError({"findings": _("不合格项须描述存在的问题")})
    finding = Finding(inspection=inspection, item_id=given["item_id"], result=result,
                      description=description)
    photo = given.get("photo")
    if photo:
        data = upload_read(photo, max_bytes=PHOTO_BYTES)
        kind = upload_type(data, (JPEG, PNG), names="JPEG、PNG")
        finding.photo.save(f"{uuid.uuid4().hex}{kind.suffix}", ContentFile(data), save=False)
    return finding


def measure_add(*, user, inspection: Inspection, kind: str, description: str,
                decided_at: datetime.datetime) -> Measure:
    """A measure decided on site (现场处理措施) after the record, before it is closed."""
    _inspector_acting(user, inspection)
    if kind not in MeasureKind.values or not description.strip():
        raise ValidationError({"measures": _("请选择措施并填写措施内容")})
    with transaction.atomic(), acting_as(user.pk):
        row = _locked(inspection, InspectionState.RECORDED, InspectionState.RECTIFYING)
        return Measure.objects.create(inspection=row, kind=kind,
                                      description=description.strip(), decided_at=decided_at)


def rectification_order(*, user, inspection: Inspection, finding_ids: list[int],
                        deadline: datetime.date,
                        ordered_at: datetime.datetime) -> Inspection:
    """责令限期整改: failed items to rectify by `deadline` (after the inspection day)."""
    failed = set(inspection.findings.filter(result=Result.FAIL).values_list("pk", flat=True))
    if not finding_ids or not set(finding_ids) <= failed:
        raise ValidationError({"findings": _("责令整改的只能是不合格的检查事项")})
    if inspection.inspected_at and deadline <= inspection.inspected_at.date():
        raise ValidationError({"rectify_deadline": _("整改期限应晚于检查日期")})

    def apply(row: Inspection) -> None:
        row.findings.filter(pk__in=finding_ids).update(ordered=True)
        row.rectify_deadline, row.rectify_ordered_at = deadline, ordered_at

    return InspectionFlow(apply).take(ORDER, inspection, user=user)


def inspection_close(*, user, inspection: Inspection) -> Inspection:
    """End an inspection with failed items without an order (e.g. a case is opened)."""
    return InspectionFlow().take(CLOSE, inspection, user=user)


def reinspection_record(*, user, inspection: Inspection, results: dict[int, bool],
                        notes: dict[int, str] | None = None, note: str = "",
                        at: datetime.datetime) -> Inspection:
    """复查: for every ordered item whether it was rectified; the inspection closes. Items
    not rectified stay on it for a case (`inspection_failed_items`)."""
    ordered = set(inspection.findings.filter(ordered=True).values_list("pk", flat=True))
    if set(results) != ordered:
        raise ValidationError({"findings": _("须对每一责令整改事项给出复查结论")})
    notes = notes or {}

    def apply(row: Inspection) -> None:
        for finding in row.findings.filter(pk__in=ordered):
            finding.rectified = bool(results[finding.pk])
            finding.rectify_note = (notes.get(finding.pk) or "").strip()
            finding.save(update_fields=["rectified", "rectify_note"])
        row.reinspected_at, row.reinspection_note = at, note.strip()

    return InspectionFlow(apply).take(REINSPECT, inspection, user=user)
