"""Incidents (突发事件) as received (事件接报): the first report and its follow-ups (续报),
the steps up the levels (逐级上报) and the reminders sent when a level is late."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Placed
from response.incidents.classification import Kind, Level


class Stage(models.TextChoices):
    """Where the incident is in the chain county → city → province."""

    COUNTY = "county", _("县级接报")
    TO_CITY = "to_city", _("已报市级")
    CITY = "city", _("市级已接收")
    TO_PROVINCE = "to_province", _("已报省级")
    PROVINCE = "province", _("省级已接收")
    CLOSED = "closed", _("处置结束")


class Casualties(models.Model):
    """The four casualty figures of a report (伤亡情况)."""

    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_("受伤人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    trapped = models.PositiveIntegerField(_("被困人数"), default=0)

    class Meta:
        abstract = True


class Incident(Casualties, Placed):
    """One emergency as the bureaus know it now: the latest report's level and figures
    over the first report's time and place; division code from the point (PostGIS)."""

    title = models.CharField(_("事件名称"), max_length=200)
    kind = models.CharField(_("事件类型"), max_length=2, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("事件等级"), choices=Level.choices,
                                             db_index=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    received_at = models.DateTimeField(_("接报时间"))
    address = models.CharField(_("事发地点"), max_length=300, blank=True)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    # False: only an address was given; the point stands in the receiving division
    located = models.BooleanField(_("已标定位置"), default=True)
    summary = models.TextField(_("事件概况"), blank=True)
    reporter = models.CharField(_("报告人"), max_length=100)
    reporter_phone = models.CharField(_("报告人电话"), max_length=30, blank=True)
    reporter_unit = models.CharField(_("报告单位"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="+", verbose_name=_("接报人"))
    organisation = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("接报单位"))
    warning = models.OneToOneField("monitoring.EarlyWarning", models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("来源预警"))
    stage = models.CharField(_("上报状态"), max_length=12, choices=Stage.choices,
                             default=Stage.COUNTY, db_index=True)
    stage_since = models.DateTimeField(_("进入当前状态时间"))
    # When the level now holding it must have reported it up; None: nothing is due.
    due_at = models.DateTimeField(_("上报时限"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    FIRST = "first", _("首报")
    FOLLOW_UP = "follow_up", _("续报")


class IncidentReport(Casualties, models.Model):
    """One report of the chain (首报, then 续报 1, 2, …): what was known when."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="reports")
    seq = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("报告类型"), max_length=10, choices=ReportKind.choices)
    reported_at = models.DateTimeField(_("报告时间"))
    level = models.PositiveSmallIntegerField(_("事件等级"), choices=Level.choices)
    text = models.TextField(_("报告内容"))
    reporter = models.CharField(_("报告人"), max_length=100)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                           verbose_name=_("录入人"))

    class Meta:
        verbose_name = _("事件报告")
        verbose_name_plural = _("事件报告")
        ordering = ["incident", "seq"]
        constraints = [models.UniqueConstraint(fields=["incident", "seq"],
                                               name="incident_report_seq_once")]


class IncidentStep(models.Model):
    """One step up the chain (上报, 接收, 结束), beside the audit log."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=20)
    stage = models.CharField(_("之后状态"), max_length=12, choices=Stage.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("操作人"))
    reason = models.TextField(_("说明"), blank=True)
    overdue = models.BooleanField(_("超时上报"), default=False)

    class Meta:
        ordering = ["incident", "at", "pk"]


class IncidentReminder(models.Model):
    """A reminder that a level is late to report up (催报): once per incident and level."""

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="reminders")
    holder = models.CharField(_("层级"), max_length=10)
    sent_at = models.DateTimeField(_("提醒时间"))
    recipients = models.PositiveIntegerField(_("提醒人数"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "holder"],
                                               name="incident_reminder_once")]
