"""Monitoring reports (监测报告): a daily, weekly or monthly report of one enterprise or one
division (province, city, county or park), made by the job runner on schedule or on
request and kept: the PDF in the site's file storage (as uploads are) and its key figures
as JSON, which the list shows and the HTML preview renders again."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.places import Owned


class ReportKind(models.TextChoices):
    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class ReportState(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class Report(Owned):
    """One report of one subject and period: an enterprise's (`enterprise` set, its division
    code and organisation copied) or a division's (`enterprise` empty, `division_code` the
    division's 12-digit code), so the read gate files it like its subject. Made again for
    the same kind, subject and period it replaces the row (unique constraints)."""

    kind = models.CharField(_("报告类型"), max_length=8, choices=ReportKind.choices)
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, null=True,
                                   blank=True, related_name="+", verbose_name=_("企业"))
    subject_name = models.CharField(_("报告对象"), max_length=200)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))  # inclusive, local days
    state = models.CharField(_("状态"), max_length=8, choices=ReportState.choices,
                             default=ReportState.PENDING)
    error = models.TextField(_("失败原因"), blank=True)
    requested_at = models.DateTimeField(_("请求时间"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("请求人"))
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    file = models.FileField(_("PDF文件"), upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    figures = models.JSONField(_("主要指标"), default=dict, blank=True)

    class Meta:
        verbose_name = _("监测报告")
        verbose_name_plural = _("监测报告")
        ordering = ["-period_start", "kind", "division_code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "enterprise", "period_start"],
                                    condition=Q(enterprise__isnull=False),
                                    name="report_once_per_enterprise_period"),
            models.UniqueConstraint(fields=["kind", "division_code", "period_start"],
                                    condition=Q(enterprise__isnull=True),
                                    name="report_once_per_division_period"),
        ]
        indexes = [models.Index(fields=["division_code", "-period_start"],
                                name="report_place_period")]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_kind_display()} {self.period_start}"
