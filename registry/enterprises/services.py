"""Writes of the one-enterprise file (一企一档): registration, direct edits by the
supervising government, edits proposed by the enterprise and their review (审核),
cancellation (核销) and restore (恢复).

Every write runs attributed to its actor (geo.audit), re-validates the whole file and
keeps the derived fields right: the supervising department (监管部门) follows the
industry and division, and rows owned by the enterprise follow its division code.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo import authority
from geo.audit import acting_as
from geo.models import LEVEL_DIGITS, AuditEntry
from geo.places import owner_moved
from geo.workflow import ACCEPT, RETURN, SUBMIT, Review
from registry.enterprises.departments import department_for
from registry.enterprises.file_models import EnterpriseStatus
from registry.enterprises.geocoding import geocode
from registry.enterprises.models import EditStatus, Enterprise, EnterpriseEdit
from registry.enterprises.review import (
    CHILDREN,
    MAIN_FIELDS,
    PROFILES,
    file_conflicts,
    file_diff,
    file_snapshot,
    load,
)


def _acting(user):
    return acting_as(user.pk if user is not None else None)


# ---- location ----------------------------------------------------------------------
_DEPTH = " ".join(f"WHEN '{level}' THEN {n}" for level, n in LEVEL_DIGITS.items())


def enterprise_location_check(*, division_code: str, point) -> None:
    """The point must lie in the enterprise's division: the deepest division whose code
    the enterprise's code extends (ST_Covers, so the boundary counts as inside)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.name, ST_Covers(d.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"
            f" FROM geo_division d WHERE starts_with(%s, left(d.code, CASE d.level {_DEPTH}"
            f" END)) ORDER BY CASE d.level {_DEPTH} END DESC LIMIT 1",
            [point.x, point.y, division_code])
        row = cursor.fetchone()
    if row is None:
        raise ValidationError({"division_code": _("区划代码 %(code)s 不在任何已知行政区划内")
                               % {"code": division_code}})
    if not row[1]:
        raise ValidationError({"geom": _("位置（%(lon).6f, %(lat).6f）不在企业所属区划"
                                         "“%(name)s”范围内") % {"lon": point.x, "lat": point.y,
                                                             "name": row[0]}})


# ---- derived fields ----------------------------------------------------------------
def _assign_department(enterprise: Enterprise) -> None:
    enterprise.supervising_department_id = department_for(
        industry=enterprise.industry, division_code=enterprise.division_code)


# ---- registration ------------------------------------------------------------------
def enterprise_register(*, actor, values: dict, point=None) -> Enterprise:
    """Register (登记) a new enterprise. `values` are model values of MAIN_FIELDS; the
    point is geocoded from the address when not given and a geocoder is configured."""
    enterprise = Enterprise(**{k: v for k, v in values.items() if k != "geom"})
    if not authority.may_place(actor, enterprise.division_code):
        raise PermissionDenied(_("无权在该区划登记企业"))
    enterprise.geom = point or values.get("geom") or geocode(enterprise.address)
    if enterprise.geom is None:
        raise ValidationError({"geom": _("请在地图上标注企业位置（未能根据地址定位）")})
    enterprise.full_clean()
    enterprise_location_check(division_code=enterprise.division_code, point=enterprise.geom)
    _assign_department(enterprise)
    with transaction.atomic(), _acting(actor):
        enterprise.save()
    return enterprise


# ---- the file: validate and apply --------------------------------------------------
def _main_values(proposed: dict) -> dict:
    return {name: load(Enterprise._meta.get_field(name), raw)
            for name, raw in proposed["enterprise"].items() if name in MAIN_FIELDS}


def file_validate(*, enterprise: Enterprise, proposed: dict) -> None:
    """Validate a proposed file as a whole; errors are keyed by field (profiles'
    and rows' keys are prefixed, e.g. "hazchem-in_chemical_park", "manager-2-phone")."""
    errors: dict[str, list] = {}
    candidate = Enterprise(pk=enterprise.pk, **{
        **{f.attname: getattr(enterprise, f.attname) for f in Enterprise._meta.concrete_fields
           if f.name != "id"}, **_main_values(proposed)})
    candidate._state.adding = False  # unique checks must not count the record itself
    try:
        candidate.full_clean()
        enterprise_location_check(division_code=candidate.division_code, point=candidate.geom)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for key, model in PROFILES.items():
        values = proposed["profiles"].get(key)
        if values is not None:
            row = model(enterprise=enterprise, **_loaded(model, values))
            _collect(errors, row, f"{key}-")
    for key, child in CHILDREN.items():
        for i, values in enumerate(proposed.get(key, []), start=1):
            row = child.model(enterprise=enterprise, **_loaded(child.model, values))
            _collect(errors, row, f"{child.prefix}-{i}-")
    if errors:
        raise ValidationError(errors)


def _loaded(model, values: dict) -> dict:
    return {n: load(model._meta.get_field(n), v) for n, v in values.items() if n != "id"}


def _collect(errors: dict, row, prefix: str) -> None:
    try:
        row.full_clean(exclude=["enterprise"])
    except ValidationError as exc:
        errors.update({prefix + k: v for k, v in exc.message_dict.items()})


def _apply(enterprise: Enterprise, *, base: dict, proposed: dict) -> None:
    """Write what `proposed` changes relative to `base`, and nothing else."""
    changed = {c.path[:2] for c in file_diff(base, proposed)}
    fields = [p[1] for p in changed if p[0] == "enterprise"]
    if fields:
        values = _main_values(proposed)
        for name in fields:
            setattr(enterprise, name, values[name])
        if {"industry", "division_code"} & set(fields):
            _assign_department(enterprise)
        enterprise.save()
        if "division_code" in fields:
            owner_moved(enterprise)  # its hazard sources, licences, plans… follow
    for key, model in PROFILES.items():
        if ("profiles", key) in changed:
            _apply_profile(enterprise, model, proposed["profiles"].get(key))
    for key in CHILDREN:
        if any(p[0] == key for p in changed):
            _apply_children(enterprise, key, base.get(key, []), proposed.get(key, []))


def _apply_profile(enterprise: Enterprise, model, values: dict | None) -> None:
    row = model.objects.filter(enterprise=enterprise).first()
    if values is None:
        if row is not None:
            row.delete()
        return
    row = row or model(enterprise=enterprise)
    for name, value in _loaded(model, values).items():
        setattr(row, name, value)
    row.save()


def _apply_children(enterprise: Enterprise, key: str, old_rows: list[dict],
                    new_rows: list[dict]) -> None:
    """Delete the rows left out, then update changed rows and create new ones."""
    child = CHILDREN[key]
    rows = child.model.objects.filter(enterprise=enterprise)
    old = {r["id"]: r for r in old_rows}
    rows.filter(pk__in=set(old) - {r["id"] for r in new_rows if r.get("id")}).delete()
    for values in new_rows:
        if values.get("id") and old.get(values["id"]) == values:
            continue
        row = (rows.filter(pk=values["id"]).first() if values.get("id") else None) or \
            child.model(enterprise=enterprise)
        for name, value in _loaded(child.model, {n: values[n] for n in child.fields}).items():
            setattr(row, name, value)
        row.save()


def _locked(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


def _refuse_cancelled(enterprise: Enterprise) -> None:
    if enterprise.status == EnterpriseStatus.CANCELLED:
        raise ValidationError(_("企业已核销，档案不能修改；请先恢复"))


# ---- direct edit by the supervising government -------------------------------------
def enterprise_file_update(*, actor, enterprise: Enterprise, proposed: dict) -> Enterprise:
    """A supervisor in scope writes the file directly (no review)."""
    if not authority.supervises(actor, enterprise):
        raise PermissionDenied(_("无权修改该企业档案"))
    with transaction.atomic(), _acting(actor):
        enterprise = _locked(enterprise)
        _refuse_cancelled(enterprise)
        _check_and_apply(actor, enterprise, base=file_snapshot(enterprise), proposed=proposed)
    return enterprise


def _check_and_apply(actor, enterprise: Enterprise, *, base: dict, proposed: dict) -> None:
    """The write shared by a direct edit and an approval: the new division must be in
    the actor's jurisdiction and the whole file valid; then what changed is written."""
    code = proposed["enterprise"].get("division_code")
    if not authority.may_place(actor, code):
        raise ValidationError({"division_code": _("区划代码 %(code)s 不在您的管辖范围内")
                               % {"code": code}})
    file_validate(enterprise=enterprise, proposed=proposed)
    _apply(enterprise, base=base, proposed=proposed)


# ---- edits proposed by the enterprise and their review ----------------------------
SUMMARY_FIELDS = 6  # changed fields a submission's message names
PENDING = gettext_lazy("该企业已有一条待审核的档案变更申请，请等待审核完成后再提交")


class FileEditReview(Review):
    """An enterprise user's edit of its file (档案变更申请), born submitted and decided by
    a supervisor over the enterprise: approved (applied in the same transaction) or
    rejected with a reason. One pending edit per enterprise."""

    model = EnterpriseEdit
    state_field = "status"
    drafts = frozenset()
    submitted, accepted, returned = EditStatus.SUBMITTED, EditStatus.APPROVED, \
        EditStatus.REJECTED
    state_error_field = None
    verbs = {SUBMIT: gettext_lazy("提交档案变更申请"), ACCEPT: gettext_lazy("档案变更已通过"),
             RETURN: gettext_lazy("档案变更已驳回")}
    refusals = {"owner": gettext_lazy("只能修改本企业的档案"),
                "decider": gettext_lazy("无权审核该企业的档案变更")}
    wrong_state = {ACCEPT: gettext_lazy("该申请已审核（%(status)s）"),
                   RETURN: gettext_lazy("该申请已审核（%(status)s）")}
    reason_required = gettext_lazy("请填写驳回原因")

    def subject(self, edit: EnterpriseEdit) -> Enterprise:
        return edit.enterprise

    def lock(self, edit: EnterpriseEdit) -> EnterpriseEdit:
        return EnterpriseEdit.objects.select_for_update().select_related("enterprise").get(
            pk=edit.pk)

    def check(self, action: str, edit: EnterpriseEdit, user, reason: str) -> None:
        if action == SUBMIT:
            _edit_prepare(edit)
            return
        if action == ACCEPT:
            _edit_apply(edit, user)
        edit.reviewed_by, edit.reviewed_at = user, timezone.now()
        edit.reject_reason = reason[:300]

    def save(self, edit: EnterpriseEdit) -> None:
        try:
            edit.save()
        except IntegrityError as exc:  # a concurrent submit won the race
            raise ValidationError(PENDING) from exc

    def link(self, edit: EnterpriseEdit) -> str:
        return reverse("enterprise_review_detail", args=[edit.pk])

    def summary(self, action: str, edit: EnterpriseEdit, reason: str) -> str:
        """A submission tells the reviewer what it changes, before they open it."""
        if action != SUBMIT:
            return reason
        labels = [change.label for change in file_diff(edit.base, edit.proposed)]
        text = (_("共%(n)s项变更：%(fields)s等") if len(labels) > SUMMARY_FIELDS
                else _("共%(n)s项变更：%(fields)s"))
        return text % {"n": len(labels), "fields": "、".join(labels[:SUMMARY_FIELDS])}

    def decider_organisation_id(self, edit: EnterpriseEdit) -> int | None:
        return edit.enterprise.supervising_department_id


FILE_EDITS = FileEditReview()


def enterprise_edit_submit(*, actor, enterprise: Enterprise, proposed: dict) -> EnterpriseEdit:
    """The enterprise proposes a new file; nothing is written to the record until a
    supervisor approves. A second pending edit is refused (not merged)."""
    edit = EnterpriseEdit(enterprise=enterprise, proposed=proposed, submitted_by=actor)
    return FILE_EDITS.submit(edit, user=actor)


def enterprise_edit_approve(*, reviewer, edit: EnterpriseEdit) -> EnterpriseEdit:
    """Apply the proposed file atomically. Refused when a changed value was modified
    since submission (conflict) or the file no longer validates."""
    return FILE_EDITS.accept(edit, user=reviewer)


def enterprise_edit_reject(*, reviewer, edit: EnterpriseEdit, reason: str) -> EnterpriseEdit:
    return FILE_EDITS.send_back(edit, user=reviewer, reason=reason)


def _edit_prepare(edit: EnterpriseEdit) -> None:
    """A new edit: the enterprise locked, still registered, with no other pending edit;
    the file it replaces read now as its base; something changed; the file valid."""
    enterprise = edit.enterprise = _locked(edit.enterprise)
    _refuse_cancelled(enterprise)
    if EnterpriseEdit.objects.filter(enterprise=enterprise,
                                     status=EditStatus.SUBMITTED).exists():
        raise ValidationError(PENDING)
    edit.base = file_snapshot(enterprise)
    if not file_diff(edit.base, edit.proposed):
        raise ValidationError(_("没有修改任何内容"))
    file_validate(enterprise=enterprise, proposed=edit.proposed)


def _edit_apply(edit: EnterpriseEdit, reviewer) -> None:
    enterprise = _locked(edit.enterprise)
    _refuse_cancelled(enterprise)
    conflicts = file_conflicts(base=edit.base, proposed=edit.proposed,
                               current=file_snapshot(enterprise))
    if conflicts:
        raise ValidationError(
            _("提交申请后以下内容已被修改，不能直接通过，请驳回并让企业重新提交：%(fields)s")
            % {"fields": "、".join(c.label for c in conflicts)})
    since = _last_audit_id()
    _check_and_apply(reviewer, enterprise, base=edit.base, proposed=edit.proposed)
    _attribute_to_edit(since, reviewer, edit)


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _attribute_to_edit(since: int, reviewer, edit: EnterpriseEdit) -> None:
    """The audit entries an approval wrote are the reviewer's; add who proposed the
    change (and which edit), so each entry names both people. Same transaction."""
    note = {"id": edit.pk, "submitted_by": edit.submitted_by_id,
            "submitted_by_name": getattr(edit.submitted_by, "username", None)}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE geo_auditentry SET changes = changes || jsonb_build_object("
            "'_edit', jsonb_build_array(NULL, %s::jsonb)) WHERE id > %s AND user_id = %s"
            " AND model LIKE 'registry.%%'", [json.dumps(note), since, reviewer.pk])


# ---- cancellation (核销) and restore (恢复) -----------------------------------------
def enterprise_cancel(*, actor, enterprise: Enterprise, on: datetime.date,
                      reason: str) -> Enterprise:
    """Cancel the registration: the file stays, marked cancelled with date and reason."""
    if not authority.supervises(actor, enterprise):
        raise PermissionDenied(_("无权核销该企业"))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("请填写核销原因")]
    if on is None:
        errors["on"] = [_("请填写核销日期")]
    elif on > timezone.localdate():
        errors["on"] = [_("核销日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), _acting(actor):
        enterprise = _locked(enterprise)
        if enterprise.status == EnterpriseStatus.CANCELLED:
            raise ValidationError(_("企业已于 %(on)s 核销") % {"on": enterprise.cancelled_on})
        enterprise.status = EnterpriseStatus.CANCELLED
        enterprise.cancelled_on, enterprise.cancel_reason = on, reason[:200]
        enterprise.save()
    return enterprise


def enterprise_restore(*, actor, enterprise: Enterprise) -> Enterprise:
    """Undo a cancellation (恢复在册); the audit log keeps the old date and reason."""
    if not authority.supervises(actor, enterprise):
        raise PermissionDenied(_("无权恢复该企业"))
    with transaction.atomic(), _acting(actor):
        enterprise = _locked(enterprise)
        if enterprise.status != EnterpriseStatus.CANCELLED:
            raise ValidationError(_("企业未核销，无需恢复"))
        enterprise.status = EnterpriseStatus.REGISTERED
        enterprise.cancelled_on, enterprise.cancel_reason = None, ""
        enterprise.save()
    return enterprise
