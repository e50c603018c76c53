"""Writes of the alarms slice: what the ingest and the job runner call, and what users do
with an alarm (签收, 处置反馈, 确认解除, 退回), a suppression or the rule set."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority, uploads
from geo.audit import acting_as
from monitoring.alarms import events, raising
from monitoring.alarms.evaluate import batch_evaluate
from monitoring.alarms.lifecycle import RELEASE, SUPPRESSION, suppression_problems
from monitoring.alarms.models import (
    OPEN,
    Alarm,
    AlarmKind,
    AlarmPhoto,
    AlarmStatus,
    AlarmStep,
    AlertPreference,
    EarlyWarning,
    RuleSet,
    Step,
    Suppression,
    WarningLevel,
)
from monitoring.alarms.routing import warnings_push
from monitoring.alarms.rules import rules_for, rules_forget, rules_problems
from monitoring.devices.models import Gateway
from monitoring.operation.models import OutageCause
from monitoring.operation.services import outage_close

__all__ = ["batch_evaluate", "gateway_heard", "gateways_silent_alarm", "warnings_tick",
           "alarm_acknowledge", "alarm_handle", "alarm_release", "alarm_return",
           "suppression_file", "suppression_decide", "ruleset_create",
           "alert_preference_set"]

PHOTO_MAX = 8 * 1024 * 1024
PHOTO_TYPES = (uploads.JPEG, uploads.PNG)


def gateway_heard(gateway: str, *, now: datetime, valid: bool = False) -> None:
    """A batch or heartbeat came: the gateway's offline alarm (if any) clears, and its
    no-data alarm when the batch had valid values (one query when neither is open)."""
    keys = [f"{AlarmKind.OFFLINE}:{gateway}"] + ([f"{AlarmKind.NO_DATA}:{gateway}"]
                                                  if valid else [])
    for key in Alarm.objects.filter(OPEN, key__in=keys).values_list("key", flat=True):
        raising.alarm_clear(key, at=now, now=now)
        if key.startswith(f"{AlarmKind.NO_DATA}:"):  # its outage ends with it
            outage_close(gateway, now=now, cause=OutageCause.NO_DATA)


@transaction.atomic
def gateways_silent_alarm(*, now: datetime) -> int:
    """Gateways marked offline get an offline alarm (one each), graded and pushed."""
    open_keys = set(Alarm.objects.filter(OPEN, kind=AlarmKind.OFFLINE)
                    .values_list("key", flat=True))
    made = []
    for gw in Gateway.objects.filter(online=False, in_use=True).order_by("code"):
        key = f"{AlarmKind.OFFLINE}:{gw.code}"
        if key in open_keys:
            continue
        made.append(raising.alarm_raise(raising.Raise(
            key=key, kind=AlarmKind.OFFLINE, level=4, at=gw.last_seen or now,
            title=_("网关 %(gw)s 离线") % {"gw": gw}, enterprise_id=gw.enterprise_id,
            division_code=gw.division_code, organisation_id=gw.organisation_id,
            geom=gw.geom, rules=rules_for(gw.division_code), gateway=gw.code), now=now))
    raising.alarms_grade([a for a in made if a], now=now)
    return len(made)


@transaction.atomic
def warnings_tick(*, now: datetime) -> dict[str, int]:
    """Every minute: open alarms graded again (a level may need a duration), reminders
    at each level's interval until released (周期提醒), and escalation one tier up of
    warnings nobody acknowledged in time."""
    lasting = list(Alarm.objects.filter(OPEN).exclude(status__in=[
        AlarmStatus.SUPPRESSED, AlarmStatus.RELEASED]).select_related("hazard_source"))
    raising.alarms_grade(lasting, now=now)
    remind, escalate = [], []
    for warning in EarlyWarning.objects.filter(closed_at__isnull=True) \
            .select_related("alarm").order_by("pk"):
        if warning.last_pushed_at == now:
            continue  # just upgraded and told: one message a minute is enough
        rules = rules_for(warning.division_code)
        strategy = rules.push(warning.level)
        if _overdue(warning, strategy, now) and warning.tier < 5:
            warning.tier, warning.escalated_at = _next_tier(warning, rules), now
            escalate.append((warning, rules))
        elif warning.last_pushed_at and \
                now - warning.last_pushed_at >= timedelta(minutes=strategy["every"]):
            remind.append((warning, rules))
    sent = warnings_push(escalate, now=now, step=Step.ESCALATED)
    sent += warnings_push(remind, now=now, step=Step.REMINDED)
    for rows, step in ((escalate, Step.ESCALATED), (remind, Step.REMINDED)):
        EarlyWarning.objects.bulk_update([w for w, _r in rows], ["tier", "escalated_at"])
        events.steps_publish(AlarmStep.objects.bulk_create(
            [AlarmStep(alarm=w.alarm, step=step, at=now) for w, _r in rows]))
    return {"escalated": len(escalate), "reminded": len(remind), "messages": sent}


def _overdue(warning: EarlyWarning, strategy: dict, now: datetime) -> bool:
    """Not yet acknowledged after `escalate_after` minutes (since raised, or since the
    last escalation)."""
    if warning.alarm.status not in (AlarmStatus.RAISED, AlarmStatus.PUSHED):
        return False
    since = warning.escalated_at or warning.raised_at
    return now - since >= timedelta(minutes=strategy["escalate_after"])


def _next_tier(warning: EarlyWarning, rules) -> int:
    from monitoring.alarms.routing import tiers_for
    return min(5, max(tiers_for(warning, rules)) + 1)


def alarm_acknowledge(*, alarm: Alarm, user) -> Alarm:
    """The enterprise signs for the alarm (签收)."""
    with transaction.atomic(), acting_as(user.pk):
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if not authority.owns(user, alarm):
            raise PermissionDenied(_("只有报警所属企业可以签收"))
        if alarm.status not in (AlarmStatus.RAISED, AlarmStatus.PUSHED):
            raise ValidationError({"status": _("报警当前为“%(s)s”，不能签收") % {
                "s": alarm.get_status_display()}})
        now = timezone.now()
        alarm.status, alarm.acknowledged_at, alarm.acknowledged_by = (
            AlarmStatus.ACKNOWLEDGED, now, user)
        alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        events.steps_publish([AlarmStep.objects.create(alarm=alarm, step=Step.ACKNOWLEDGED,
                                                       at=now, by=user)])
    return alarm


def alarm_handle(*, alarm: Alarm, user, feedback: str, false_alarm: bool = False,
                 photos: list | None = None) -> Alarm:
    """The enterprise's handling report (处置反馈) with photos, sent for confirmation.
    Photos are checked (type from content, size) before anything is written."""
    try:
        checked = [_photo(f) for f in photos or []]
    except ValidationError as error:  # named by the field, like every other refusal
        raise ValidationError({"photos": error.messages}) from None
    with transaction.atomic():  # the review re-reads the row: the report is written first
        Alarm.objects.filter(pk=alarm.pk).update(feedback=feedback.strip(),
                                                 false_alarm=bool(false_alarm))
        alarm = RELEASE.submit(alarm, user=user)
        for name, data in checked:
            photo = AlarmPhoto(alarm=alarm)
            photo.image.save(name, data, save=True)
    return alarm


def _photo(file) -> tuple[str, object]:
    from django.core.files.base import ContentFile
    data = uploads.upload_read(file, max_bytes=PHOTO_MAX)
    kind = uploads.upload_type(data, PHOTO_TYPES, names="JPEG、PNG")
    return f"photo{kind.suffix}", ContentFile(data)


def alarm_release(*, alarm: Alarm, user) -> Alarm:
    return RELEASE.accept(alarm, user=user)


def alarm_return(*, alarm: Alarm, user, reason: str) -> Alarm:
    return RELEASE.send_back(alarm, user=user, reason=reason)


def suppression_file(*, enterprise, user, kind: str, sensors: list, starts, ends,
                     reason: str, alarm_kinds: list[str] | None = None) -> Suppression:
    """An enterprise's maintenance window or whitelist entry, sent for approval."""
    found = suppression_problems(kind=kind, starts=starts, ends=ends, sensors=sensors)
    if any(s.enterprise_id != enterprise.pk for s in sensors):
        found["sensors"] = _("只能选择本企业的监测点位")
    if found:
        raise ValidationError(found)
    with transaction.atomic():
        row = Suppression(enterprise=enterprise, kind=kind, starts=starts, ends=ends,
                          reason=reason, alarm_kinds=alarm_kinds or [],
                          division_code=enterprise.division_code,
                          organisation_id=enterprise.organisation_id)
        row.full_clean(exclude=["sensors"])
        row = SUPPRESSION.submit(row, user=user)
        row.sensors.set(sensors)
    return row


def suppression_decide(*, suppression: Suppression, user, approve: bool,
                       reason: str = "") -> Suppression:
    if approve:
        return SUPPRESSION.accept(suppression, user=user, reason=reason)
    return SUPPRESSION.send_back(suppression, user=user, reason=reason)


@transaction.atomic
def ruleset_create(*, area: str, rules: dict, user=None, note: str = "") -> RuleSet:
    """A new version of an area's rules (the newest applies); refused with every problem
    named by its key path."""
    problems = rules_problems(rules)
    if problems:
        raise ValidationError({"rules": problems})
    if user is not None and not (user.is_superuser or authority.may_place(user, area)):
        raise PermissionDenied(_("只能为本辖区制定报警规则"))
    last = RuleSet.objects.filter(area=area).aggregate(v=Max("version"))["v"] or 0
    row = RuleSet.objects.create(area=area, version=last + 1, rules=rules, note=note,
                                 created_by=user)
    transaction.on_commit(rules_forget)  # this process applies it at once, others soon
    return row


def alert_preference_set(*, user, sms_up_to: int, email_up_to: int) -> AlertPreference:
    """A user's own channels (预警接收设置): SMS and e-mail for warnings up to a level. Only
    the user sets them; the inbox always gets every warning, and red goes by SMS whatever
    is chosen (`routing._narrowed`)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("请先登录"))
    levels = set(WarningLevel.values)
    found = {field: _("请选择预警等级") for field, value in
             (("sms_up_to", sms_up_to), ("email_up_to", email_up_to)) if value not in levels}
    if found:
        raise ValidationError(found)
    row, _created = AlertPreference.objects.update_or_create(
        user=user, defaults={"sms_up_to": sms_up_to, "email_up_to": email_up_to})
    return row
