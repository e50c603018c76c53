"""Risk grading (风险分级管控): risk points (风险点/风险分析单元) of an enterprise, their
assessments (LEC / LS / MES, 初评 / 终评 / 调整), control measures in five kinds and the
dynamic control log (管控记录); the versioned grading rules per area and the standards
library of typical risk points per industry.

Imported by `enforcement.models`; writes go through `enforcement.risk.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from enforcement.risk.methods import Level, Method
from geo.places import Owned
from layers.maps import level_colour
from registry.knowledge.selectors import AccidentType  # GB 6441-1986, 20 types


class RiskRuleSet(models.Model):
    """A version of the grading rules (风险判定准则) for an area: a division code prefix
    ("" = everywhere). The newest version of the longest matching prefix applies; versions
    are never edited, a change is a new version (`rules.py`)."""

    area = models.CharField(_("适用区划代码前缀"), max_length=12, blank=True)
    version = models.PositiveIntegerField(_("版本"))
    rules = models.JSONField(_("判定准则"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("风险判定准则")
        verbose_name_plural = _("风险判定准则")
        constraints = [models.UniqueConstraint(fields=["area", "version"],
                                               name="risk_ruleset_version_per_area")]

    def __str__(self) -> str:
        return f"{self.area or '*'} v{self.version}"


class PointKind(models.TextChoices):
    EQUIPMENT = "equipment", _("设备设施")
    ACTIVITY = "activity", _("作业活动")
    AREA = "area", _("场所区域")


class ControlLevel(models.TextChoices):
    """Which level of the enterprise owns a risk (分级管控)."""

    COMPANY = "company", _("公司")
    WORKSHOP = "workshop", _("车间")
    TEAM = "team", _("班组")
    POST = "post", _("岗位")


class Industry(models.TextChoices):
    """The industries of the standards library (行业领域)."""

    CHEMICALS = "chemicals", _("危险化学品")
    METALLURGY = "metallurgy", _("冶金")
    BUILDING = "building", _("建材")
    MACHINERY = "machinery", _("机械")
    LIGHT = "light", _("轻工")
    TRADE = "trade", _("商贸")
    MINES = "mines", _("非煤矿山")


class MeasureKind(models.TextChoices):
    """The five kinds of control measure (管控措施)."""

    ENGINEERING = "engineering", _("工程技术")
    MANAGEMENT = "management", _("管理措施")
    TRAINING = "training", _("培训教育")
    PROTECTION = "protection", _("个体防护")
    EMERGENCY = "emergency", _("应急处置")


class _Graded(models.Model):
    """A graded row's four-colour swatch. Abstract (no field): migrations leave it out."""

    @property
    def colour(self) -> str:
        return level_colour(self.level)

    class Meta:
        abstract = True


class _Accidents(models.Model):
    """The labels of a row's GB 6441 accident types."""

    def accident_type_labels(self) -> list[str]:
        labels = dict(AccidentType.choices)
        return [str(labels.get(t, t)) for t in self.accident_types]

    class Meta:
        abstract = True


def _accident_types() -> ArrayField:
    return ArrayField(models.CharField(max_length=32, choices=AccidentType.choices),
                      verbose_name=_("可能导致的事故类型"), default=list, blank=True)


class LibraryPoint(_Accidents, models.Model):
    """A typical risk point of an industry (风险点标准库), picked to create an enterprise's
    own; loaded from `library.json` by a data migration (`library.library_load`)."""

    industry = models.CharField(_("行业领域"), max_length=16, choices=Industry.choices)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=PointKind.choices)
    hazard_factors = models.TextField(_("危险有害因素"))
    accident_types = _accident_types()
    measures = models.JSONField(_("建议管控措施"), default=list,
                                help_text=_("JSON 列表，每项含 kind（措施类别）与 text（措施）"))

    class Meta:
        verbose_name = _("风险点标准库条目")
        verbose_name_plural = _("风险点标准库")
        ordering = ["industry", "pk"]
        constraints = [models.UniqueConstraint(fields=["industry", "name"],
                                               name="risk_library_name_per_industry")]

    def __str__(self) -> str:
        return f"{self.get_industry_display()} · {self.name}"


class RiskPoint(_Graded, _Accidents, Owned):
    """A risk point (风险点 / 风险分析单元) of an enterprise: where it is (a point, and the
    outline drawn on the floor plan when there is one), what may go wrong, who answers for
    it and its current level — the latest 终评 or 调整 (`level` is that copy, for the
    layer's colour; None until a final assessment)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="risk_points", verbose_name=_("企业"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=PointKind.choices)
    # The layer is a point layer (one geometry type per layer): an outline drawn on the
    # floor plan gives its point (ST_PointOnSurface) when no point is given.
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    outline = models.PolygonField(_("范围"), srid=4326, null=True, blank=True)
    floor_plan = models.ForeignKey("registry.FloorPlan", models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("厂区平面图"))
    hazard_factors = models.TextField(_("危险有害因素"), blank=True)
    accident_types = _accident_types()
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=30, blank=True)
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=Level.choices, null=True,
                                             blank=True, db_index=True)
    control_level = models.CharField(_("管控层级"), max_length=12, choices=ControlLevel.choices,
                                     blank=True)
    # True: the enterprise chose the control level; else it follows the risk level.
    control_level_chosen = models.BooleanField(_("管控层级已指定"), default=False)
    library_point = models.ForeignKey(LibraryPoint, models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("来自标准库"))
    assessed = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["enterprise_id", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="risk_point_name_per_enterprise")]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    INITIAL = "initial", _("初评")
    FINAL = "final", _("终评")
    ADJUSTED = "adjusted", _("调整")


class RiskAssessment(_Graded, models.Model):
    """One assessment of a risk point, kept for ever: the method, the factor values, the
    score, the level under the rule-set version in force, who and when. An adjustment
    (调整) says why."""

    point = models.ForeignKey(RiskPoint, models.CASCADE, related_name="assessments",
                              verbose_name=_("风险点"))
    stage = models.CharField(_("评价阶段"), max_length=10, choices=Stage.choices)
    method = models.CharField(_("评价方法"), max_length=4, choices=Method.choices)
    factors = models.JSONField(_("取值"))
    score = models.DecimalField(_("得分"), max_digits=10, decimal_places=3)
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=Level.choices)
    rules_version = models.CharField(_("判定准则版本"), max_length=24)
    reason = models.TextField(_("调整原因"), blank=True)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("评价人"))
    assessed = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("风险评价")
        verbose_name_plural = _("风险评价")
        ordering = ["point_id", "-assessed", "-pk"]
        constraints = [models.CheckConstraint(
            condition=~models.Q(stage="adjusted") | ~models.Q(reason=""),
            name="risk_adjustment_has_reason")]


class ControlMeasure(models.Model):
    """A control measure (管控措施) of a risk point; hidden dangers link to it later."""

    point = models.ForeignKey(RiskPoint, models.CASCADE, related_name="measures",
                              verbose_name=_("风险点"))
    kind = models.CharField(_("措施类别"), max_length=12, choices=MeasureKind.choices)
    text = models.TextField(_("管控措施"))
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        ordering = ["point_id", "kind", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class CheckResult(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    PARTIAL = "partial", _("部分有效")
    FAILED = "failed", _("失效")


class ControlCheck(models.Model):
    """The dynamic control log (管控记录): a measure checked, the result, who, when."""

    measure = models.ForeignKey(ControlMeasure, models.CASCADE, related_name="checks",
                                verbose_name=_("管控措施"))
    result = models.CharField(_("检查结果"), max_length=10, choices=CheckResult.choices)
    note = models.TextField(_("说明"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("检查人"))
    checked = models.DateTimeField(_("检查时间"))

    class Meta:
        verbose_name = _("管控记录")
        verbose_name_plural = _("管控记录")
        ordering = ["-checked", "-pk"]


class RiskZone(_Graded, Owned):
    """A zone of the four-colour plant map (风险四色图), drawn on the floor plan: it takes
    the colour of the highest risk among the points in it (`level`, kept in step by the
    services whenever a point or the zone changes; None while no graded point lies in it)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="risk_zones", verbose_name=_("企业"))
    name = models.CharField(_("名称"), max_length=100)
    geom = models.PolygonField(_("范围"), srid=4326, spatial_index=True)
    floor_plan = models.ForeignKey("registry.FloorPlan", models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("厂区平面图"))
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=Level.choices, null=True,
                                             blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险区域")
        verbose_name_plural = _("风险区域")
        ordering = ["enterprise_id", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="risk_zone_name_per_enterprise")]

    def __str__(self) -> str:
        return self.name
