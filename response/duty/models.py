"""Duty (值班值守): rosters (值班表) of an emergency bureau with their pattern, the shifts
generated from it, swaps with approval (换班), hand-over notes (交接班) and the duty log
(值班日志)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


class ShiftPattern(models.TextChoices):
    DAY_NIGHT = "day_night", _("白班 + 夜班")
    FULL_DAY = "full_day", _("24小时班")


class Rotation(models.TextChoices):
    DAILY = "daily", _("每日轮换")
    WEEKLY = "weekly", _("每周轮换")


class ShiftKind(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")
    FULL = "full", _("全天")


class DutyRole(models.TextChoices):
    LEADER = "leader", _("带班领导")
    OFFICER = "officer", _("值班员")


class DutyRoster(Placed):
    """One bureau's roster over a period: who leads and who keeps watch, by pattern."""

    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("值班单位"))
    name = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    pattern = models.CharField(_("班次"), max_length=12, choices=ShiftPattern.choices,
                               default=ShiftPattern.DAY_NIGHT)
    rotation = models.CharField(_("轮换"), max_length=8, choices=Rotation.choices,
                                default=Rotation.WEEKLY)
    day_starts = models.TimeField(_("白班开始"), default=datetime.time(8, 30))
    night_starts = models.TimeField(_("夜班开始"), default=datetime.time(17, 30))
    phone = models.CharField(_("值班电话"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("编排人"))

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name


class DutyMember(models.Model):
    """A person of the rotation, in order (leaders and officers rotate separately)."""

    roster = models.ForeignKey(DutyRoster, models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    role = models.CharField(_("职责"), max_length=8, choices=DutyRole.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["roster", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["roster", "role", "order"],
                                               name="duty_member_order_once")]


class DutyShift(models.Model):
    """One shift of a roster: its time span, its leader and its officer."""

    roster = models.ForeignKey(DutyRoster, models.CASCADE, related_name="shifts")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("班次"), max_length=6, choices=ShiftKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("带班领导"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name=_("值班员"))

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["roster", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["roster", "day", "kind"],
                                               name="duty_shift_once")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


class SwapState(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class DutySwap(Placed):
    """A swap (换班): the person on a shift asks that another take their place; the
    roster's bureau approves it (geo.workflow.Review)."""

    shift = models.ForeignKey(DutyShift, models.CASCADE, related_name="swaps")
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+")
    role = models.CharField(_("职责"), max_length=8, choices=DutyRole.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("原值班人"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name=_("替班人"))
    state = models.CharField(_("状态"), max_length=10, choices=SwapState.choices,
                             default=SwapState.SUBMITTED)
    reason = models.TextField(_("原因"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("审批人"))
    created = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.shift} {self.from_user} → {self.to_user}"


class HandoverNote(models.Model):
    """What the outgoing shift hands to the next (交接班记录)."""

    shift = models.ForeignKey(DutyShift, models.CASCADE, related_name="handovers")
    text = models.TextField(_("交接内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                           verbose_name=_("交班人"))
    at = models.DateTimeField(_("交班时间"))

    class Meta:
        ordering = ["shift", "at"]


class LogKind(models.TextChoices):
    CALL = "call", _("来电来访")
    INCIDENT = "incident", _("事件接报")
    INSTRUCTION = "instruction", _("领导批示")
    REPORT = "report", _("信息报送")
    PATROL = "patrol", _("检查巡查")
    OTHER = "other", _("其他")


class DutyLogEntry(Placed):
    """One line of the duty log (值班日志), of a roster's shift, maybe about an incident."""

    roster = models.ForeignKey(DutyRoster, models.CASCADE, related_name="log")
    shift = models.ForeignKey(DutyShift, models.SET_NULL, null=True, blank=True,
                              related_name="log")
    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("类别"), max_length=12, choices=LogKind.choices)
    text = models.TextField(_("内容"))
    incident = models.ForeignKey("response.Incident", models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("关联事件"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                           verbose_name=_("记录人"))

    class Meta:
        verbose_name = _("值班日志")
        verbose_name_plural = _("值班日志")
        ordering = ["at", "pk"]
