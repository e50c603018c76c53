"""Emergency plans (应急预案) with their filing flow (备案), attachments and the template
library (预案模板).

Imported by `registry.models`; writes go through `registry.plans.services`, reads through
`registry.plans.selectors`. A plan copies `division_code` and `organisation` from its
owner (an enterprise, or a government organisation), so `geo.scope` filters plans like
every other owned row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned


class PlanKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合应急预案")
    SPECIAL = "special", _("专项应急预案")
    ONSITE = "onsite", _("现场处置方案")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交备案")
    FILED = "filed", _("已备案")
    RETURNED = "returned", _("已退回")


class PlanTemplate(models.Model):
    """Plan template (预案模板): a title and an outline of section headings by kind and
    industry; a new plan starts with a copy of the outline."""

    title = models.CharField(_("模板名称"), max_length=200)
    kind = models.CharField(_("预案类型"), max_length=16, choices=PlanKind.choices)
    industry = models.CharField(_("适用行业"), max_length=5, blank=True,
                                help_text=_("GB/T 4754 行业代码前缀，空表示通用"))
    description = models.TextField(_("说明"), blank=True)
    outline = models.JSONField(_("提纲"), default=list,
                               help_text=_("章节标题列表，子节以“1.1 ”等编号开头"))

    class Meta:
        verbose_name = _("预案模板")
        verbose_name_plural = _("预案模板")
        ordering = ["kind", "industry", "title"]

    def __str__(self) -> str:
        return self.title


class EmergencyPlan(Audited, Owned):
    """Emergency plan (应急预案) of an enterprise or a government organisation. The
    filing flow is audited: every state change lands in the audit log with its user."""

    title = models.CharField(_("预案名称"), max_length=200)
    kind = models.CharField(_("预案类型"), max_length=16, choices=PlanKind.choices)
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, null=True,
                                   blank=True, related_name="emergency_plans",
                                   verbose_name=_("企业"))
    # The owner: the enterprise's organisation (copied), or the government organisation.
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("编制单位"))
    template = models.ForeignKey(PlanTemplate, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("所用模板"))
    outline = models.JSONField(_("提纲"), default=list, blank=True)
    version = models.CharField(_("版本"), max_length=20, default="1.0")
    issued = models.DateField(_("发布日期"), null=True, blank=True)
    review_due = models.DateField(_("评审/修订到期日"), null=True, blank=True, db_index=True)
    state = models.CharField(_("备案状态"), max_length=12, choices=PlanState.choices,
                             default=PlanState.DRAFT, db_index=True)
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["-updated", "-id"]
        indexes = [models.Index(fields=["division_code", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["filing_number"],
                                    condition=~models.Q(filing_number=""),
                                    name="plan_filing_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class PlanAttachment(models.Model):
    """A file of a plan (预案文本、附件): PDF, DOCX, XLSX or an image, checked by content."""

    plan = models.ForeignKey(EmergencyPlan, models.CASCADE, related_name="attachments",
                             verbose_name=_("应急预案"))
    file = models.FileField(_("文件"), max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    media_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("上传人"))
    uploaded = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案附件")
        verbose_name_plural = _("预案附件")
        ordering = ["uploaded", "id"]

    def __str__(self) -> str:
        return self.name

