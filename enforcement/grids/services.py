"""Writes of the responsibility grids: the people of a government cell (kept by the
supervisors over the cell), an enterprise's own grid and its people (kept by the
enterprise). Every write asks `geo.authority` and is attributed to its actor (the audit
log). Assignment and 确权 live in `assignment.py`, patrols in `patrols.py`; this module
re-exports them so other code imports one `services`."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.grids.assignment import (
    assignment_confirm,
    assignment_dispute,
    assignment_reassign,
    assignment_uphold,
    grid_assign,
)
from enforcement.grids.models import EnterpriseZone, GridMember, ZoneMember
from enforcement.grids.patrols import (
    checkin_make,
    patrol_end,
    patrol_photo_add,
    patrol_start,
    patrol_track_add,
)
from geo import authority
from geo.audit import acting_as
from geo.models import GridCell, User

__all__ = ["assignment_confirm", "assignment_dispute", "assignment_reassign",
           "assignment_uphold", "checkin_make", "grid_assign", "grid_member_add",
           "grid_member_end", "patrol_end", "patrol_photo_add", "patrol_start",
           "patrol_track_add", "zone_member_add", "zone_member_end", "zone_save"]


# ---- the people of a government cell ---------------------------------------------------
def grid_member_add(*, actor: User, cell: GridCell, name: str, duty: str, started:
                    datetime.date, phone: str = "", user: User | None = None) -> GridMember:
    """Name a responsible person of `cell` from `started` on."""
    if not authority.supervises(actor, cell):
        raise PermissionDenied(_("只有管辖该网格的监管人员可以维护网格责任人"))
    row = GridMember(cell=cell, division_code=cell.division_code, name=(name or "").strip(),
                     duty=duty, phone=(phone or "").strip(), user=user, started=started)
    if user is not None and not authority.may_act(user):
        raise ValidationError({"user": _("该账号不能担任网格责任人")})
    row.full_clean(exclude=["cell", "user"], validate_constraints=False)
    if user is not None and GridMember.objects.filter(cell=cell, user=user, duty=duty,
                                                      ended__isnull=True).exists():
        raise ValidationError({"user": _("该账号已在本网格担任此职责")})
    with transaction.atomic(), acting_as(actor.pk):
        row.save()
        _responsible_follow(cell)
    return row


def grid_member_end(*, actor: User, member: GridMember, ended: datetime.date) -> GridMember:
    """End a person's term (离任): the row stays as history."""
    if not authority.supervises(actor, member):
        raise PermissionDenied(_("只有管辖该网格的监管人员可以维护网格责任人"))
    with transaction.atomic():
        member = _end(actor, member, ended)
        _responsible_follow(member.cell)
    return member


def _end(actor: User, member: GridMember | ZoneMember, ended: datetime.date):
    """Lock the row again and close its term (the caller's gate has said yes)."""
    with transaction.atomic(), acting_as(actor.pk):
        member = type(member).objects.select_for_update().get(pk=member.pk)
        if member.ended is not None:
            raise ValidationError({"ended": _("该责任人已离任")})
        if ended < member.started:
            raise ValidationError({"ended": _("离任日期不能早于任职日期")})
        member.ended = ended
        member.save(update_fields=["ended"])
    return member


def _responsible_follow(cell: GridCell) -> None:
    """The cell's `responsible` users (read by alarm routing, geo.GridCell) are the users
    of its open rows: kept in step here, the only writer."""
    cell.responsible.set(User.objects.filter(
        pk__in=GridMember.objects.filter(cell=cell, ended__isnull=True,
                                         user__isnull=False).values("user_id")))


# ---- an enterprise's own grid ------------------------------------------------------------
def zone_save(*, actor: User, enterprise, name: str, parent: EnterpriseZone | None = None,
              geom=None, zone: EnterpriseZone | None = None) -> EnterpriseZone:
    """Add (or, given `zone`, rename / redraw / move) a zone of the enterprise's grid."""
    if not authority.owns(actor, enterprise):
        raise PermissionDenied(_("企业网格由企业自行维护"))
    if parent is not None and parent.enterprise_id != enterprise.pk:
        raise ValidationError({"parent": _("上级网格应属于本企业")})
    row = zone or EnterpriseZone(enterprise=enterprise)
    if row.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("企业网格由企业自行维护"))
    if zone is not None and parent is not None and _descends(parent, zone):
        raise ValidationError({"parent": _("上级网格不能是本网格或其下级")})
    row.name, row.parent, row.geom = (name or "").strip(), parent, geom
    row.division_code, row.organisation_id = enterprise.division_code, enterprise.organisation_id
    row.full_clean(exclude=["enterprise", "parent", "organisation"])
    with acting_as(actor.pk):
        row.save()
    return row


def _descends(candidate: EnterpriseZone, zone: EnterpriseZone) -> bool:
    """Whether `candidate` is `zone` or below it (a parent loop is refused)."""
    seen = candidate
    while seen is not None:
        if seen.pk == zone.pk:
            return True
        seen = seen.parent
    return False


def zone_member_add(*, actor: User, zone: EnterpriseZone, name: str, duty: str,
                    started: datetime.date, phone: str = "",
                    user: User | None = None) -> ZoneMember:
    if not authority.owns(actor, zone):
        raise PermissionDenied(_("企业网格由企业自行维护"))
    if user is not None and user.organisation_id != zone.organisation_id:
        raise ValidationError({"user": _("企业网格责任人的账号应属于本企业")})
    row = ZoneMember(zone=zone, enterprise_id=zone.enterprise_id, name=(name or "").strip(),
                     duty=duty, phone=(phone or "").strip(), user=user, started=started,
                     division_code=zone.division_code, organisation_id=zone.organisation_id)
    row.full_clean(exclude=["zone", "enterprise", "user", "organisation"])
    with acting_as(actor.pk):
        row.save()
    return row


def zone_member_end(*, actor: User, member: ZoneMember, ended: datetime.date) -> ZoneMember:
    if not authority.owns(actor, member):
        raise PermissionDenied(_("企业网格由企业自行维护"))
    return _end(actor, member, ended)

