"""Writes of check tasks and check records (排查任务、排查记录). A record's findings become
hidden dangers in the same transaction (`services.danger_register`), each linked to the
record; the task's next due date moves one period on from the day of the check."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.dangers.check_models import (
    Checklist,
    ChecklistItem,
    CheckRecord,
    CheckResult,
    CheckTask,
    Frequency,
    ItemResult,
)
from enforcement.dangers.models import DangerSource
from enforcement.dangers.services import danger_register
from geo import authority
from geo.models import User
from geo.places import owned_copy

MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def period_after(day: datetime.date, frequency: str) -> datetime.date:
    """One period after `day` (a month after 31 January is the last day of February)."""
    if frequency == Frequency.DAILY:
        return day + datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return day + datetime.timedelta(days=7)
    months = day.month - 1 + MONTHS[frequency]
    year, month = day.year + months // 12, months % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def check_task_create(*, enterprise, user: User, checklist: Checklist, name: str,
                      frequency: str, starts_on: datetime.date, assignee: str = ""
                      ) -> CheckTask:
    """A task of the enterprise, set by itself or by a supervisor over it."""
    if not authority.may_edit(user, enterprise):
        raise PermissionDenied(_("只有本企业用户或管辖该企业的监管部门可以设置排查任务"))
    task = CheckTask(enterprise=enterprise, checklist=checklist, name=name.strip(),
                     frequency=frequency, starts_on=starts_on, next_due=starts_on,
                     assignee=assignee.strip())
    owned_copy(task)
    task.full_clean(exclude=["enterprise", "organisation"])
    task.save()
    return task


def check_record_save(*, task: CheckTask, user: User,
                      results: list[tuple[ChecklistItem, str, str]], note: str = "",
                      at: datetime.datetime | None = None) -> CheckRecord:
    """The enterprise records one pass of `task`: (item, result, note) per item checked.
    Each finding (发现隐患) is registered as a hidden danger of the enterprise in the same
    step, named by the item, described by the note."""
    if not authority.owns(user, task):
        raise PermissionDenied(_("只有本企业用户可以填写排查记录"))
    _check_results(task, results)
    at = at or timezone.now()
    with transaction.atomic():
        record = CheckRecord(task=task, enterprise=task.enterprise, checked_at=at,
                             checked_by=user, note=note.strip())
        owned_copy(record)
        record.save()
        for item, result, text in results:
            danger = None
            if result == ItemResult.FOUND:
                danger = danger_register(
                    enterprise=task.enterprise, user=user, check_record=record,
                    name=item.content[:200], source=DangerSource.SELF,
                    description=(text or "").strip() or item.content)
            CheckResult.objects.create(record=record, item=item, result=result,
                                       note=(text or "").strip(), danger=danger)
        CheckTask.objects.filter(pk=task.pk).update(
            last_checked_at=at,
            next_due=period_after(timezone.localdate(at), task.frequency))
    return record


def _check_results(task: CheckTask, results) -> None:
    if not results:
        raise ValidationError({"results": _("请至少填写一个排查条目的结果")})
    wrong = [item.code for item, _r, _n in results if item.checklist_id != task.checklist_id]
    if wrong:
        raise ValidationError({"results": _("条目不属于该任务的排查清单：%(c)s") % {
            "c": "、".join(wrong)}})
    bad = [item.code for item, result, _n in results if result not in ItemResult.values]
    if bad:
        raise ValidationError({"results": _("结果无效：%(c)s") % {"c": "、".join(bad)}})
