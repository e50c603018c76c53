"""Writes of duty (值班值守): rosters and their shifts, swaps (through `swaps.SWAPS`),
hand-over notes and the duty log. A roster is its bureau's: its users (and supervisors
over its place) edit it (`geo.authority.may_edit`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import Organisation, OrganisationKind, User
from geo.scope import scope_for_user
from response.duty.models import (
    DutyLogEntry,
    DutyMember,
    DutyRole,
    DutyRoster,
    DutyShift,
    DutySwap,
    HandoverNote,
    ShiftPattern,
)
from response.duty.rotation import shifts_plan
from response.duty.swaps import SWAPS
from response.incidents import selectors as incident_selectors

MAX_DAYS = 366


def roster_create(*, user: User, organisation: Organisation, name: str,
                  starts_on: datetime.date, ends_on: datetime.date, leaders: list[User],
                  officers: list[User], pattern: str = ShiftPattern.DAY_NIGHT,
                  rotation: str = "weekly", day_starts: datetime.time | None = None,
                  night_starts: datetime.time | None = None, phone: str = "") -> DutyRoster:
    """A bureau's roster with its members in order and every shift of its period."""
    roster = DutyRoster(organisation=organisation, division_code=organisation.division_id,
                        name=name.strip(), starts_on=starts_on, ends_on=ends_on,
                        pattern=pattern, rotation=rotation, phone=phone.strip(),
                        created_by=user)
    if day_starts:
        roster.day_starts = day_starts
    if night_starts:
        roster.night_starts = night_starts
    if not authority.may_edit(user, roster):
        raise PermissionDenied(_("只有本单位或其上级应急管理部门可以编排值班表"))
    _roster_check(roster, organisation, leaders, officers)
    with transaction.atomic(), acting_as(user.pk):
        roster.save()
        DutyMember.objects.bulk_create(
            [DutyMember(roster=roster, user=u, role=DutyRole.LEADER, order=i)
             for i, u in enumerate(leaders)]
            + [DutyMember(roster=roster, user=u, role=DutyRole.OFFICER, order=i)
               for i, u in enumerate(officers)])
        DutyShift.objects.bulk_create([
            DutyShift(roster=roster, day=s.day, kind=s.kind, starts_at=s.starts_at,
                      ends_at=s.ends_at, leader_id=s.leader_id, officer_id=s.officer_id)
            for s in shifts_plan(
                starts_on=starts_on, ends_on=ends_on, pattern=pattern, rotation=rotation,
                day_starts=roster.day_starts, night_starts=roster.night_starts,
                leaders=[u.pk for u in leaders], officers=[u.pk for u in officers],
                zone=timezone.get_current_timezone())])
    return roster


def _roster_check(roster: DutyRoster, organisation: Organisation, leaders: list[User],
                  officers: list[User]) -> None:
    errors = {}
    if organisation.kind != OrganisationKind.GOVERNMENT:
        errors["organisation"] = _("值班单位须是政府部门")
    if roster.ends_on < roster.starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期")
    elif (roster.ends_on - roster.starts_on).days >= MAX_DAYS:
        errors["ends_on"] = _("一次编排不能超过 %(d)d 天") % {"d": MAX_DAYS}
    if not leaders:
        errors["leaders"] = _("至少需要一名带班领导")
    needed = 2 if roster.pattern == ShiftPattern.DAY_NIGHT else 1
    if len(officers) < needed:
        errors["officers"] = _("白班加夜班至少需要两名值班员") if needed == 2 else _(
            "至少需要一名值班员")
    if len({u.pk for u in officers}) != len(officers) or len({u.pk for u in leaders}) != len(
            leaders):
        errors["officers"] = _("同一人不能在同一职责中重复排列")
    if roster.day_starts >= roster.night_starts and roster.pattern == ShiftPattern.DAY_NIGHT:
        errors["night_starts"] = _("夜班开始时间须晚于白班开始时间")
    if errors:
        raise ValidationError(errors)


def swap_request(*, shift: DutyShift, user: User, role: str, to_user: User,
                 reason: str = "") -> DutySwap:
    """The person on `shift` in `role` asks that `to_user` take it (换班申请)."""
    swap = DutySwap(shift=shift, organisation_id=shift.roster.organisation_id,
                    division_code=shift.roster.division_code, role=role, from_user=user,
                    to_user=to_user, reason=reason.strip())
    return SWAPS.submit(swap, user=user)


def swap_approve(*, swap: DutySwap, user: User) -> DutySwap:
    return SWAPS.accept(swap, user=user)


def swap_return(*, swap: DutySwap, user: User, reason: str) -> DutySwap:
    return SWAPS.send_back(swap, user=user, reason=reason)


def swap_withdraw(*, swap: DutySwap, user: User) -> DutySwap:
    return SWAPS.withdraw(swap, user=user)


def _may_keep(user: User, roster: DutyRoster, shift: DutyShift | None = None) -> bool:
    """Who writes a roster's notes and log: the people on the shift, its bureau's users
    and the supervisors over its place."""
    on_shift = shift is not None and user.pk in (shift.leader_id, shift.officer_id)
    return on_shift or authority.may_edit(user, roster)


def handover_add(*, shift: DutyShift, user: User, text: str,
                 now: datetime.datetime | None = None) -> HandoverNote:
    """A hand-over note (交接班) of the outgoing shift."""
    if not _may_keep(user, shift.roster, shift):
        raise PermissionDenied(_("只有本班次值班人员可以填写交接班记录"))
    if not text.strip():
        raise ValidationError({"text": _("交接内容不能为空")})
    with acting_as(user.pk):
        return HandoverNote.objects.create(shift=shift, text=text.strip(), by=user,
                                           at=now or timezone.now())


def duty_log_add(*, roster: DutyRoster, user: User, kind: str, text: str,
                 at: datetime.datetime | None = None,
                 incident_id: int | None = None) -> DutyLogEntry:
    """One line of the duty log, filed under the shift on at `at`; an incident it names
    must be one the writer may read."""
    at = at or timezone.now()
    shift = roster.shifts.filter(starts_at__lte=at, ends_at__gt=at).first()
    if not _may_keep(user, roster, shift):
        raise PermissionDenied(_("只有值班人员可以记录值班日志"))
    if not text.strip():
        raise ValidationError({"text": _("日志内容不能为空")})
    if incident_id is not None and incident_selectors.incident_get(
            scope=scope_for_user(user), pk=incident_id) is None:
        raise ValidationError({"incident": _("关联事件不存在或无权查看")})
    with acting_as(user.pk):
        return DutyLogEntry.objects.create(roster=roster, shift=shift, at=at, kind=kind,
                                           text=text.strip(), incident_id=incident_id,
                                           by=user, division_code=roster.division_code)
