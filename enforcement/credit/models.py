"""Credit (信用): the blacklists of enterprises and persons (失信名单) and the joint
punishment list (联合惩戒对象名单) drawn from them, and the tracking of accident
investigations (事故调查). Each row sits where its subject is (`division_code`) and is
owned by the agency that keeps it (`organisation`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Placed


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("单位")
    PERSON = "person", _("个人")


class ListingState(models.TextChoices):
    PROPOSED = "proposed", _("拟列入")
    DECIDED = "decided", _("已认定")
    PUBLISHED = "published", _("已公示")
    REJECTED = "rejected", _("不予列入")
    REMOVED = "removed", _("已移出")


class Listing(Audited, Placed):
    """An entry of the blacklist (失信名单): who, why, the decision that put them there,
    its publication and, at the end, the removal (移出). `joint` marks the severe ones that
    all departments punish jointly (联合惩戒)."""

    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("认定机关"))
    state = models.CharField(_("状态"), max_length=10, choices=ListingState.choices,
                             default=ListingState.PROPOSED, db_index=True)
    subject_kind = models.CharField(_("主体类型"), max_length=10, choices=SubjectKind.choices)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("失信单位"))
    name = models.CharField(_("失信主体"), max_length=200)
    id_number = models.CharField(_("统一社会信用代码或身份证号"), max_length=32, blank=True)
    # a person listed for their part in an enterprise's violation (e.g. 主要负责人)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    case = models.ForeignKey("enforcement.Case", models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("所涉案件"))
    reason = models.TextField(_("列入事由"))
    joint = models.BooleanField(_("联合惩戒"), default=False)
    decision = models.TextField(_("认定决定"), blank=True)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    until = models.DateField(_("公示期至"), null=True, blank=True)
    removal = models.TextField(_("移出理由"), blank=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    created = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("失信名单")
        verbose_name_plural = _("失信名单")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["state", "joint"])]

    def __str__(self) -> str:
        return self.name


class AccidentLevel(models.TextChoices):
    """生产安全事故等级 (《生产安全事故报告和调查处理条例》第三条)."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    GRAVE = "grave", _("特别重大事故")


class InvestigationState(models.TextChoices):
    INVESTIGATING = "investigating", _("调查中")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")


class Investigation(Audited, Placed):
    """事故调查: the team, its milestones, the closing (结案, the report approved) and the
    archive (归档)."""

    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("牵头机关"))
    state = models.CharField(_("状态"), max_length=14, choices=InvestigationState.choices,
                             default=InvestigationState.INVESTIGATING)
    name = models.CharField(_("事故名称"), max_length=200)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("事故单位"))
    occurred_at = models.DateTimeField(_("发生时间"))
    level = models.CharField(_("事故等级"), max_length=10, choices=AccidentLevel.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=12, decimal_places=2,
                               default=0)
    # 事故调查组: leader and members with their units and duties
    team = models.JSONField(_("调查组"), default=list, blank=True)
    due = models.DateField(_("调查期限"))
    report = models.TextField(_("调查报告结论"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    archive_number = models.CharField(_("档案号"), max_length=50, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事故调查")
        verbose_name_plural = _("事故调查")
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A milestone of an investigation (现场勘查, 技术鉴定, 调查报告, 批复 …)."""

    investigation = models.ForeignKey(Investigation, models.CASCADE,
                                      related_name="milestones", verbose_name=_("事故调查"))
    name = models.CharField(_("节点"), max_length=100)
    due = models.DateField(_("计划完成"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("完成人"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("调查节点")
        verbose_name_plural = _("调查节点")
        ordering = ["due", "id"]
