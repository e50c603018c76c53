"""Writes of hidden dangers (隐患): registering one (by hand, or from a monitoring warning
in one step), the steps of its loop with the fields each step fills, photos, and 挂牌督办.

Every step is `enforcement.dangers.loop.LOOP.take`; the fields a step fills are written in
the step's transaction first, so a refused step leaves nothing behind."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.dangers.handover import HANDOVER
from enforcement.dangers.loop import LOOP, PLAN_FIELDS, SUPERVISION
from enforcement.dangers.models import DangerState, HiddenDanger, HiddenDangerPhoto, Stage
from geo import authority, uploads
from geo.models import User
from geo.places import owned_copy
from geo.scope import scope_for_user
from monitoring.alarms.selectors import warning_get

PHOTO_MAX = 10 * 1024 * 1024
PHOTO_TYPES = (uploads.JPEG, uploads.PNG)

# What a user may fill on registering, and on each step of the loop.
REGISTER_FIELDS = ("name", "description", "source", "category", "cause", "control_measures",
                   "liable_person", "deadline", "cost")
STEP_FIELDS = {
    "grade": ("level", "manage_type", "deadline", "category"),
    "start": ("control_measures", "liable_person", "deadline", "cost", "assessment",
              *PLAN_FIELDS),
    "submit": ("rectification",),
}
EDITABLE_STATES = (DangerState.REGISTERED, DangerState.GRADED, DangerState.RECTIFYING)


def danger_register(*, enterprise, user: User, geom: GEOSGeometry | None = None,
                    photos: list | None = None, warning=None, check_record=None,
                    **fields) -> HiddenDanger:
    """Register (登记) a danger of `enterprise`, at `geom` (a point; the enterprise's own
    point by default), with photos before rectification. The enterprise or a supervisor
    over it (found on inspection) may register."""
    _only(fields, REGISTER_FIELDS)
    checked = _photos(photos)
    danger = HiddenDanger(enterprise=enterprise, warning=warning, check_record=check_record,
                          geom=_point(geom) if geom is not None else enterprise.geom, **fields)
    owned_copy(danger)
    danger.full_clean(exclude=["registered_at", "enterprise", "warning", "organisation",
                               "check_record"])
    with transaction.atomic():
        danger = LOOP.take("register", danger, user=user)
        _photos_save(danger, Stage.BEFORE, checked)
    return danger


def danger_step(*, danger: HiddenDanger, action: str, user: User, reason: str = "",
                **fields) -> HiddenDanger:
    """Take one step of the loop (grade, start, submit, accept, reject, confirm, refuse,
    close, close_major), filling the fields that step takes first."""
    _only(fields, STEP_FIELDS.get(action, ()))
    with transaction.atomic():
        if fields:
            _fill(danger, fields)
        return LOOP.take(action, danger, user=user, reason=reason)


def danger_update(*, danger: HiddenDanger, user: User, geom: GEOSGeometry | None = None,
                  **fields) -> HiddenDanger:
    """The enterprise corrects its danger's details before it is handed in for acceptance
    (the grade is changed by grading again, the state only by the loop)."""
    allowed = set(REGISTER_FIELDS) | set(STEP_FIELDS["start"]) | {"rectification"}
    _only(fields, tuple(allowed - {"source"}))
    with transaction.atomic():
        row = LOOP.lock(danger)
        if not authority.owns(user, row):
            raise PermissionDenied(LOOP.refusals["owner"])
        if row.state not in EDITABLE_STATES:
            raise ValidationError({"state": _("待验收或已验收的隐患不能修改")})
        for name, value in fields.items():
            setattr(row, name, value)
        if geom is not None:
            row.geom = _point(geom)
        row.full_clean(exclude=["registered_at", "enterprise", "warning", "organisation"])
        row.save()
    return row


def danger_photos_add(*, danger: HiddenDanger, user: User, stage: str,
                      photos: list) -> list[HiddenDangerPhoto]:
    """Photos before (while not yet rectified) or after rectification (while rectifying
    or awaiting acceptance), by the enterprise or a supervisor over it."""
    checked = _photos(photos)
    if not authority.may_edit(user, danger):
        raise PermissionDenied(_("只有本企业用户或管辖该企业的监管部门可以上传照片"))
    open_in = EDITABLE_STATES if stage == Stage.BEFORE else (DangerState.RECTIFYING,
                                                            DangerState.AWAITING)
    if stage not in Stage.values or danger.state not in open_in:
        raise ValidationError({"photos": _("当前状态不能上传该阶段的照片")})
    with transaction.atomic():
        return _photos_save(danger, stage, checked)


def danger_supervise(*, danger: HiddenDanger, user: User, deadline, note: str = ""
                     ) -> HiddenDanger:
    """挂牌督办: the department puts a major danger under supervision until `deadline`."""
    with transaction.atomic():
        HiddenDanger.objects.filter(pk=danger.pk).update(
            supervision_deadline=deadline, supervision_note=(note or "").strip())
        return SUPERVISION.take("supervise", danger, user=user)


def danger_lift(*, danger: HiddenDanger, user: User, reason: str = "") -> HiddenDanger:
    """摘牌: the department lifts its supervision."""
    return SUPERVISION.take("lift", danger, user=user, reason=reason)


def danger_from_warning(warning_id: int, user: User, **fields) -> HiddenDanger:
    """Turn a monitoring warning (预警) into a hidden danger in one step: its enterprise,
    place and words (overridden by `fields`), source 在线监测预警, linked to the warning.
    A warning already turned into a danger gives that danger back."""
    from enforcement.dangers.selectors import danger_of_warning, warning_prefill

    warning = warning_get(scope=scope_for_user(user), pk=warning_id)
    if warning is None:
        raise PermissionDenied(_("无权查看该预警或预警不存在"))
    existing = danger_of_warning(warning_id=warning.pk)
    if existing is not None:
        return existing
    values = {**warning_prefill(warning), **fields}
    geom = values.pop("geom")
    return danger_register(enterprise=warning.enterprise, user=user, geom=geom,
                           warning=warning, **values)


# ---- helpers ------------------------------------------------------------------------------
def _only(fields: dict, allowed: tuple[str, ...]) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"cannot set {sorted(extra)}")


def _fill(danger: HiddenDanger, fields: dict) -> None:
    """Validate `fields` on the danger and write them (inside the step's transaction)."""
    for name, value in fields.items():
        setattr(danger, name, value)
    others = [f.name for f in HiddenDanger._meta.fields if f.name not in fields]
    danger.clean_fields(exclude=others)
    HiddenDanger.objects.filter(pk=danger.pk).update(**fields)


def _point(geom: GEOSGeometry) -> Point:
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    if not isinstance(geom, Point) or geom.empty:
        raise ValidationError({"geom": _("位置须为一个点")})
    geom.srid = 4326
    return geom


def _photos(files: list | None) -> list[tuple[str, ContentFile]]:
    """Every photo checked (type from content, size) before anything is written."""
    try:
        checked = []
        for file in files or []:
            data = uploads.upload_read(file, max_bytes=PHOTO_MAX)
            kind = uploads.upload_type(data, PHOTO_TYPES, names="JPEG、PNG")
            checked.append((f"photo{kind.suffix}", ContentFile(data)))
        return checked
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None


def _photos_save(danger: HiddenDanger, stage: str, checked) -> list[HiddenDangerPhoto]:
    saved = []
    for name, data in checked:
        photo = HiddenDangerPhoto(danger=danger, stage=stage)
        photo.image.save(name, data, save=True)
        saved.append(photo)
    return saved



def danger_handover(*, danger: HiddenDanger, action: str, user: User, reason: str = ""
                    ) -> HiddenDanger:
    """A step of the hand-over to the grid: transfer, handle, feedback, redo, clear."""
    return HANDOVER.take(action, danger, user=user, reason=reason)
