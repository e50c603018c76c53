"""Enforcement plans (执法计划), double-random draws (双随机一公开) and on-site inspections
(现场检查) of 互联网+执法.

A plan belongs to the government body that makes it (its area's division code); its targets
come from a draw or are chosen. A draw records everything it was computed from — the seed,
the candidate targets and inspectors in order and the conflicts excluded — so anyone can
compute it again (`draws.draw_replay`) and compare.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned, Placed


class PlanKind(models.TextChoices):
    ANNUAL_KEY = "annual_key", _("年度重点检查")
    ANNUAL_GENERAL = "annual_general", _("年度一般检查")
    SPECIAL = "special", _("专项检查")
    TEMPORARY = "temporary", _("临时检查")


class Plan(Audited, Placed):
    """执法计划 of one government body (`organisation`) for its area and a period."""

    title = models.CharField(_("计划名称"), max_length=200)
    kind = models.CharField(_("计划类型"), max_length=16, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("执法机关"))
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("结束日期"))
    description = models.TextField(_("计划内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("制定人"))
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法计划")
        verbose_name_plural = _("执法计划")
        ordering = ["-year", "-starts", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(ends__gte=models.F("starts")),
                                              name="plan_period_order",
                                              violation_error_message=_("结束日期不能早于开始日期"))]

    def __str__(self) -> str:
        return self.title


class TargetSource(models.TextChoices):
    DRAW = "draw", _("随机抽取")
    CHOSEN = "chosen", _("指定")


class PlanTarget(Audited, Placed):
    """An enterprise a plan will inspect; its division code is the enterprise's."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="targets",
                             verbose_name=_("执法计划"))
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    source = models.CharField(_("来源"), max_length=8, choices=TargetSource.choices)
    draw = models.ForeignKey("enforcement.Draw", models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("抽取批次"))

    class Meta:
        verbose_name = _("计划检查对象")
        verbose_name_plural = _("计划检查对象")
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"],
                                               name="plan_target_once")]


class Draw(Audited, Placed):
    """双随机 draw: N targets from a filter of the target library, each paired with
    `inspectors_per_target` inspectors from the pool, by `random.Random(seed)`. The inputs
    are recorded as they were (`candidates`, `pool`, `excluded`), so a replay needs nothing
    but this row."""

    title = models.CharField(_("抽查名称"), max_length=200)
    plan = models.ForeignKey(Plan, models.SET_NULL, null=True, blank=True, related_name="draws",
                             verbose_name=_("执法计划"))
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("执法机关"))
    criteria = models.JSONField(_("抽取条件"), default=dict)
    target_count = models.PositiveIntegerField(_("抽取对象数"), validators=[MinValueValidator(1)])
    inspectors_per_target = models.PositiveSmallIntegerField(
        _("每个对象执法人员数"), default=2, validators=[MinValueValidator(2)])
    conflict_window = models.PositiveSmallIntegerField(
        _("回避次数"), default=3,
        help_text=_("执法人员不与其在该对象最近若干次抽查或检查中检查过的对象配对"))
    seed = models.BigIntegerField(_("随机种子"))
    candidates = ArrayField(models.BigIntegerField(), verbose_name=_("候选对象"), default=list)
    pool = ArrayField(models.BigIntegerField(), verbose_name=_("候选执法人员"), default=list)
    excluded = models.JSONField(_("回避关系"), default=dict)  # {target id: [inspector ids]}
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("抽取人"))
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        ordering = ["-drawn_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(inspectors_per_target__gte=2),
                                              name="draw_two_inspectors_at_least")]

    def __str__(self) -> str:
        return self.title


class DrawTarget(models.Model):
    """A target the draw picked, in the order it was picked, with its inspectors."""

    draw = models.ForeignKey(Draw, models.CASCADE, related_name="picks",
                             verbose_name=_("抽查"))
    position = models.PositiveIntegerField(_("序号"))
    target = models.ForeignKey("enforcement.Target", models.PROTECT, related_name="+",
                               verbose_name=_("检查对象"))
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+",
                                   verbose_name=_("企业"))

    class Meta:
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "position"],
                                               name="draw_target_position"),
                       models.UniqueConstraint(fields=["draw", "target"],
                                               name="draw_target_once")]


class DrawAssignment(models.Model):
    """An inspector paired with a picked target (position 1 leads, 主办)."""

    pick = models.ForeignKey(DrawTarget, models.CASCADE, related_name="assignments",
                             verbose_name=_("抽中对象"))
    position = models.PositiveSmallIntegerField(_("序号"))
    inspector = models.ForeignKey("enforcement.Inspector", models.PROTECT, related_name="+",
                                  verbose_name=_("执法人员"))

    class Meta:
        verbose_name = _("执法人员配对")
        verbose_name_plural = _("执法人员配对")
        ordering = ["pick", "position"]
        constraints = [models.UniqueConstraint(fields=["pick", "inspector"],
                                               name="draw_assignment_once")]


# ---- on-site inspections (现场检查) ----------------------------------------------------------
class InspectionState(models.TextChoices):
    PLANNED = "planned", _("待检查")          # 检查方案 made
    RECORDED = "recorded", _("已检查")        # 检查记录 made, failures found
    RECTIFYING = "rectifying", _("整改中")     # 责令限期整改, awaiting 复查
    CLOSED = "closed", _("已完成")             # no failure, or re-inspected


class Inspection(Audited, Owned):
    """现场检查 of one enterprise: the on-site plan (检查方案: purpose, items, inspectors,
    date), the record (findings per item), on-site measures, the rectification order and
    the re-inspection. Its division code and organisation are the enterprise's (the read
    gate lets the enterprise read its own inspections); the point is the enterprise's,
    for the `inspections` layer."""

    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT,
                                   related_name="inspections", verbose_name=_("企业"))
    bureau = models.ForeignKey("geo.Organisation", models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("执法机关"))
    plan = models.ForeignKey(Plan, models.SET_NULL, null=True, blank=True,
                             related_name="inspections", verbose_name=_("执法计划"))
    pick = models.ForeignKey(DrawTarget, models.SET_NULL, null=True, blank=True,
                             related_name="inspections", verbose_name=_("抽中对象"))
    name = models.CharField(_("检查名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=12, choices=InspectionState.choices,
                             default=InspectionState.PLANNED, db_index=True)
    # ---- 检查方案 ----
    scheduled_on = models.DateField(_("计划检查日期"))
    purpose = models.TextField(_("检查目的"), blank=True)
    scheme = models.TextField(_("检查方案"), blank=True)
    inspectors = models.ManyToManyField("enforcement.Inspector", related_name="inspections",
                                        verbose_name=_("执法人员"))
    items = models.ManyToManyField("enforcement.CheckItem", related_name="+", blank=True,
                                   verbose_name=_("检查事项"))
    # ---- 检查记录 ----
    inspected_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    place = models.CharField(_("检查地点"), max_length=200, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    failed_count = models.PositiveSmallIntegerField(_("不合格项数"), default=0)
    # ---- 责令限期整改 ----
    rectify_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectify_ordered_at = models.DateTimeField(_("责令整改时间"), null=True, blank=True)
    # ---- 复查 ----
    reinspected_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    reinspection_note = models.TextField(_("复查意见"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("制定人"))
    geom = models.PointField(_("位置"), srid=4326)

    class Meta:
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        ordering = ["-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["division_code", "state"]),
                   models.Index(fields=["enterprise", "inspected_at"])]

    def __str__(self) -> str:
        return self.name


class Result(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Finding(models.Model):
    """One item checked (检查记录的一项): the result, what was seen, a photo (checked through
    `geo.uploads`), and at re-inspection whether it was rectified."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings",
                                   verbose_name=_("现场检查"))
    item = models.ForeignKey("enforcement.CheckItem", models.PROTECT, related_name="+",
                             verbose_name=_("检查事项"))
    result = models.CharField(_("检查结果"), max_length=4, choices=Result.choices)
    description = models.TextField(_("问题描述"), blank=True)
    photo = models.FileField(_("现场照片"), upload_to="inspections/%Y/%m/", blank=True)
    ordered = models.BooleanField(_("责令整改"), default=False)  # in the rectification order
    rectified = models.BooleanField(_("已整改"), null=True, blank=True)
    rectify_note = models.CharField(_("复查情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"],
                                               name="finding_once_per_item")]


class MeasureKind(models.TextChoices):
    """现场处理措施 (《安全生产法》第六十五条 (三))."""

    REMOVE_NOW = "remove_now", _("责令立即排除事故隐患")
    EVACUATE = "evacuate", _("责令从危险区域内撤出作业人员")
    SUSPEND = "suspend", _("责令暂时停产停业或者停止使用相关设施、设备")
    OTHER = "other", _("其他措施")


class Measure(models.Model):
    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="measures",
                                   verbose_name=_("现场检查"))
    kind = models.CharField(_("措施"), max_length=12, choices=MeasureKind.choices)
    description = models.TextField(_("措施内容"))
    decided_at = models.DateTimeField(_("决定时间"))

    class Meta:
        verbose_name = _("现场处理措施")
        verbose_name_plural = _("现场处理措施")
        ordering = ["inspection", "pk"]
