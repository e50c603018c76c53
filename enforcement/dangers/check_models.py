"""Checklists, check tasks and check records (排查清单、排查任务、排查记录): how an enterprise
looks for hidden dangers. Imported by `enforcement.models`; writes go through
`enforcement.dangers.checks`.

A checklist follows the A/B/C structure of the guidelines (A licensed high-risk
industries, B industry and trade, C others) and holds items in levels (a topic, its items,
their sub-items). Checklists are reference data kept in the admin, with a starter set
(`manage.py load_checklists`). A task says which checklist an enterprise works through how often; a
record is one pass, each item found fine, not applicable or a finding — and a finding
becomes a hidden danger in the same step."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned


class ChecklistCategory(models.TextChoices):
    A = "A", _("A类：许可类高危行业（危险化学品、烟花爆竹、非煤矿山等）")
    B = "B", _("B类：工贸行业")
    C = "C", _("C类：其他行业")


class Checklist(Audited, models.Model):
    """排查清单: a named list of items for a category of enterprises."""

    category = models.CharField(_("清单类别"), max_length=1, choices=ChecklistCategory.choices)
    name = models.CharField(_("清单名称"), max_length=200, unique=True)
    industries = ArrayField(models.CharField(max_length=5), verbose_name=_("适用行业代码"),
                            default=list, blank=True,
                            help_text=_("GB/T 4754 代码前缀，如 C26；留空适用于本类全部企业"))
    source = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("排查清单")
        verbose_name_plural = _("排查清单")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(Audited, models.Model):
    """An item of a checklist at its level (1 a topic, 2 an item, 3 a sub-item)."""

    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="items",
                                  verbose_name=_("排查清单"))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("上级条目"))
    level = models.PositiveSmallIntegerField(_("层级"), default=2,
                                             choices=[(1, _("类别")), (2, _("条目")),
                                                      (3, _("子条目"))])
    code = models.CharField(_("编号"), max_length=20)
    content = models.TextField(_("排查内容"))
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    # An item of a 重大隐患判定标准: what it finds is a major danger unless graded otherwise.
    major = models.BooleanField(_("判定为重大隐患"), default=False)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("排查条目")
        verbose_name_plural = _("排查条目")
        ordering = ["checklist_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"],
                                               name="checklist_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:40]}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")


class CheckTask(Owned):
    """排查任务 (`YHPCRWXX`): an enterprise works through a checklist at a frequency."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="check_tasks", verbose_name=_("企业"))
    checklist = models.ForeignKey(Checklist, models.PROTECT, related_name="+",
                                  verbose_name=_("排查清单"))
    name = models.CharField(_("任务名称"), max_length=200)
    frequency = models.CharField(_("排查频次"), max_length=10, choices=Frequency.choices)
    starts_on = models.DateField(_("开始日期"))
    assignee = models.CharField(_("排查责任人"), max_length=50, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    # the date the next check is due: `starts_on`, then one period after each check
    next_due = models.DateField(_("下次应排查日期"), editable=False, db_index=True)
    last_checked_at = models.DateTimeField(_("最近排查时间"), null=True, blank=True,
                                           editable=False)
    # The risk point (风险分析对象) a risk-based task derives from, made a foreign key to
    # `enforcement.RiskPoint` when the risk slice lands; the column keeps its name.
    risk_point_id = models.BigIntegerField(_("风险点"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["enterprise_id", "next_due", "pk"]

    def __str__(self) -> str:
        return self.name


class CheckRecord(Owned):
    """排查记录 (`YHPCJL`): one pass of a task, who checked and when."""

    task = models.ForeignKey(CheckTask, models.CASCADE, related_name="records",
                             verbose_name=_("排查任务"))
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    checked_at = models.DateTimeField(_("排查时间"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("排查人"))
    note = models.TextField(_("排查情况"), blank=True)

    class Meta:
        verbose_name = _("排查记录")
        verbose_name_plural = _("排查记录")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} {self.checked_at:%Y-%m-%d}"


class ItemResult(models.TextChoices):
    OK = "ok", _("符合")
    FOUND = "found", _("发现隐患")
    NA = "na", _("不适用")


class CheckResult(models.Model):
    """One item's result in a record; a finding links the hidden danger it became."""

    record = models.ForeignKey(CheckRecord, models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+",
                             verbose_name=_("排查条目"))
    result = models.CharField(_("结果"), max_length=5, choices=ItemResult.choices)
    note = models.TextField(_("说明"), blank=True)
    danger = models.ForeignKey("enforcement.HiddenDanger", models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("隐患"))

    class Meta:
        ordering = ["record_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "item"],
                                               name="check_result_once_per_item")]
