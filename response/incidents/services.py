"""Writes of incident intake (事件接报): the first report, follow-ups (续报), the steps up
the levels (through `flow.SUBMISSION`), an incident opened from a monitoring warning, and
the reminders of late levels (催报, the job runner's)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority, messaging
from geo.audit import acting_as
from geo.models import User
from geo.scope import scope_for_user
from monitoring.alarms import selectors as alarm_selectors
from response.incidents import flow, reporting
from response.incidents.classification import Kind, Level
from response.incidents.models import (
    Incident,
    IncidentReminder,
    IncidentReport,
    ReportKind,
    Stage,
)


@dataclass(frozen=True)
class Report:
    """What one report says: the level and the four casualty figures now, and its text."""

    level: int
    text: str
    reporter: str
    deaths: int = 0
    injuries: int = 0
    missing: int = 0
    trapped: int = 0

    def casualties(self) -> dict[str, int]:
        return {"deaths": self.deaths, "injuries": self.injuries, "missing": self.missing,
                "trapped": self.trapped}


def division_code_at(point: Point) -> str | None:
    """The code of the smallest division whose boundary covers the point (PostGIS)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM geo_division WHERE ST_Covers(geom,"
                       " ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ORDER BY ST_Area(geom), code"
                       " LIMIT 1", [point.x, point.y])
        row = cursor.fetchone()
    return row[0] if row else None


def incident_receive(*, user: User, title: str, kind: str, point: Point | None,
                     occurred_at: datetime.datetime, report: Report, address: str = "",
                     reporter_phone: str = "", reporter_unit: str = "",
                     warning_id: int | None = None,
                     now: datetime.datetime | None = None) -> Incident:
    """The first report (首报) received by `user`'s level: the incident starts held there,
    due up the chain within the report window if its level must go further."""
    now = now or timezone.now()
    level = flow.user_level(user)
    if level is None:
        raise PermissionDenied(_("只有县级以上应急管理部门可以接报突发事件"))
    holder = reporting.COUNTY if level == "any" else level
    _check(kind=kind, level=report.level, occurred_at=occurred_at, now=now)
    point, code, located = _place(user, point, address)
    if code is None or not authority.may_place(user, code):
        raise ValidationError({"geom": _("事发位置不在您的管辖范围内")})
    stage = flow.RECEIVED_AT[holder]
    with transaction.atomic(), acting_as(user.pk):
        incident = Incident.objects.create(
            title=title.strip(), kind=kind, level=report.level, occurred_at=occurred_at,
            received_at=now, address=address.strip(), geom=point, division_code=code,
            located=located,
            summary=report.text.strip(), reporter=report.reporter.strip(),
            reporter_phone=reporter_phone.strip(), reporter_unit=reporter_unit.strip(),
            received_by=user, organisation_id=user.organisation_id, warning_id=warning_id,
            stage=stage, stage_since=now, **report.casualties(),
            due_at=(now + reporting.report_window()
                    if reporting.must_go_above(holder, report.level) else None))
        _report_add(incident, report, ReportKind.FIRST, user, now)
    return incident


def incident_follow_up(*, incident: Incident, user: User, report: Report,
                       now: datetime.datetime | None = None) -> IncidentReport:
    """A follow-up (续报) by any supervisor over the place: the incident takes its level
    and figures; a level raised so that it must go further up starts the clock again."""
    now = now or timezone.now()
    if not authority.supervises(user, incident):
        raise PermissionDenied(_("只有事发地的应急管理部门可以续报"))
    _check(kind=incident.kind, level=report.level, occurred_at=incident.occurred_at, now=now)
    with transaction.atomic(), acting_as(user.pk):
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.stage == Stage.CLOSED:
            raise ValidationError(_("事件已处置结束，不能续报"))
        for name, value in report.casualties().items():
            setattr(incident, name, value)
        incident.level = report.level
        holder = flow.HOLDER[incident.stage]
        if not reporting.must_go_above(holder, report.level):
            incident.due_at = None
        elif incident.due_at is None:
            incident.due_at = now + reporting.report_window()
        incident.save()
        return _report_add(incident, report, ReportKind.FOLLOW_UP, user, now)


def incident_step(*, incident: Incident, user: User, action: str, reason: str = "") -> Incident:
    """Take one step up the chain (上报 / 接收 / 结束)."""
    return flow.SUBMISSION.take(action, incident, user=user, reason=reason)


def incident_from_warning(warning_id: int, user: User) -> Incident:
    """Open an incident from a monitoring warning in one step: its point, time, enterprise
    and title, as a hazardous-chemicals accident of the lowest level until a follow-up
    says more; the same warning opens one incident only (the second call returns it)."""
    warning = alarm_selectors.warning_get(scope=scope_for_user(user), pk=warning_id)
    if warning is None:
        raise PermissionDenied(_("无权查看该预警"))
    existing = Incident.objects.filter(warning_id=warning_id).first()
    if existing is not None:
        return existing
    text = _("由预警转入：%(title)s（%(reason)s）") % {"title": warning.title,
                                                   "reason": warning.reason}
    try:
        return incident_receive(
            user=user, title=f"{warning.enterprise.name} {warning.title}"[:200],
            kind=Kind.CHEMICAL, point=warning.geom, occurred_at=warning.raised_at,
            address=warning.enterprise.address, reporter_unit=warning.enterprise.name,
            report=Report(level=Level.ORDINARY, text=text, reporter=_("监测预警系统")),
            warning_id=warning_id)
    except IntegrityError:  # another click opened it first
        return Incident.objects.get(warning_id=warning_id)


def incident_reminders_send(*, now: datetime.datetime) -> int:
    """Remind the level holding each overdue incident (催报), once per incident and level:
    the reminder row is the "once" (unique), the message goes to that level's supervisors."""
    sent = 0
    overdue = Incident.objects.filter(due_at__lt=now).exclude(stage=Stage.CLOSED)
    for incident in overdue.order_by("due_at", "pk"):
        holder = flow.HOLDER[incident.stage]
        with transaction.atomic():
            reminder, created = IncidentReminder.objects.get_or_create(
                incident=incident, holder=holder, defaults={"sent_at": now})
            if not created:
                continue
            users = flow.level_supervisors(incident.division_code, holder)
            messaging.notify(users, messaging.Message(
                kind="incident.overdue", key=f"incident.overdue:{incident.pk}:{holder}",
                title=_("事件上报超时：%(name)s") % {"name": incident},
                body=_("应于 %(due)s 前上报上级，请立即上报。") % {
                    "due": timezone.localtime(incident.due_at).strftime("%Y-%m-%d %H:%M")},
                link=flow.SUBMISSION.link(incident)))
            reminder.recipients = len(users)
            reminder.save(update_fields=["recipients"])
            sent += 1
    return sent


def _place(user: User, point: Point | None, address: str) -> tuple[Point, str | None, bool]:
    """The point picked on the map and the division that covers it; with an address
    only, a point inside the receiving user's own division (not located: 待标定)."""
    if point is not None:
        return point, division_code_at(point), True
    if not address.strip():
        raise ValidationError({"geom": _("请在地图上标注事发位置或填写事发地点")})
    if user.division_id is None:
        raise ValidationError({"geom": _("请在地图上标注事发位置")})
    return user.division.geom.point_on_surface, user.division_id, False


def _report_add(incident: Incident, report: Report, kind: str, user: User,
                now: datetime.datetime) -> IncidentReport:
    seq = (incident.reports.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return IncidentReport.objects.create(
        incident=incident, seq=seq, kind=kind, reported_at=now, level=report.level,
        text=report.text.strip(), reporter=report.reporter.strip(), by=user,
        **report.casualties())


def _check(*, kind: str, level: int, occurred_at: datetime.datetime,
           now: datetime.datetime) -> None:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("事件类型无效")
    if level not in Level.values:
        errors["level"] = _("事件等级无效")
    if occurred_at > now + datetime.timedelta(minutes=5):
        errors["occurred_at"] = _("发生时间不能晚于接报时间")
    if errors:
        raise ValidationError(errors)


def may_follow_up(user, incident: Incident) -> bool:
    """For pages: whether `user` may add a follow-up report."""
    return authority.supervises(user, incident)
