"""Intermediary agencies (中介机构): safety evaluation (安全评价机构) and standardisation
review (标准化评审机构) agencies, their projects (项目) and the problems found (问题).

An agency is a `geo.Organisation` of kind "agency": agency users belong to it, and the
owner column `organisation` lets `geo.scope` show them their own rows. A project copies
the client enterprise's `division_code`, so a supervisor sees the projects done in their
area whoever did them; an agency sees its own projects wherever they are.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.credit_code import validate_credit_code
from geo.places import Owned, Placed


class AgencyKind(models.TextChoices):
    SAFETY_EVALUATION = "safety_evaluation", _("安全评价机构")
    STANDARDISATION_REVIEW = "standardisation_review", _("标准化评审机构")


class Agency(Placed):
    """Intermediary agency (中介机构)."""

    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    kind = models.CharField(_("机构类型"), max_length=32, choices=AgencyKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    qualification_number = models.CharField(_("资质证书编号"), max_length=100)
    valid_from = models.DateField(_("资质有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("资质有效期至"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    organisation = models.OneToOneField("geo.Organisation", models.SET_NULL, null=True,
                                        blank=True, related_name="agency",
                                        verbose_name=_("对应单位"))
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("中介机构")
        verbose_name_plural = _("中介机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("资质有效期至不得早于有效期起")})


class ProjectType(models.TextChoices):
    PRE_EVALUATION = "pre_evaluation", _("安全预评价")
    ACCEPTANCE_EVALUATION = "acceptance_evaluation", _("安全验收评价")
    STATUS_EVALUATION = "status_evaluation", _("安全现状评价")
    STANDARDISATION_REVIEW = "standardisation_review", _("安全生产标准化评审")
    OTHER = "other", _("其他")


class AgencyProject(Owned):
    """A project (项目) an agency did for a client enterprise: in the client's place, owned
    by the agency's organisation."""

    organisation_from = "agency"

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="projects",
                               verbose_name=_("中介机构"))
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="agency_projects", verbose_name=_("委托企业"))
    organisation = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("机构单位"))
    name = models.CharField(_("项目名称"), max_length=200)
    project_type = models.CharField(_("项目类型"), max_length=32, choices=ProjectType.choices)
    started = models.DateField(_("开始日期"))
    finished = models.DateField(_("完成日期"), null=True, blank=True)
    conclusion = models.TextField(_("结论"), blank=True)

    class Meta:
        verbose_name = _("中介机构项目")
        verbose_name_plural = _("中介机构项目")
        ordering = ["-started", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.started and self.finished and self.finished < self.started:
            raise ValidationError({"finished": _("完成日期不得早于开始日期")})


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")


class AgencyProblem(models.Model):
    """A problem (问题) found in a project."""

    project = models.ForeignKey(AgencyProject, models.CASCADE, related_name="problems",
                                verbose_name=_("项目"))
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices,
                                default=Severity.GENERAL)
    rectified = models.BooleanField(_("已整改"), default=False)

    class Meta:
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return self.description[:40]
