"""The hub of the registry: enterprises (企业, 一企一档) and the edits of their file that
enterprise users propose and the supervising department reviews (审核).

An edit holds the proposed values and the values they replace (`base`, read when it was
submitted), both as JSON keyed by section (see `registry.enterprises.review`), so a
reviewer sees a diff and approving can detect what changed in the meantime.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from geo.credit_code import validate_credit_code
from geo.models import Audited
from geo.places import Placed
from registry.enterprises.file_models import (
    PHONE,
    Category,
    EnterpriseScale,
    EnterpriseStatus,
    StandardisationGrade,
)


class RiskLevel(models.IntegerChoices):
    MAJOR = 1, _("重大风险（红）")
    HIGH = 2, _("较大风险（橙）")
    MODERATE = 3, _("一般风险（黄）")
    LOW = 4, _("低风险（蓝）")


def _optional_text(label, max_length: int, **kw) -> models.CharField:
    """Optional text with a database default too, so COPY and bulk loaders that name only
    the columns they know keep working."""
    return models.CharField(label, max_length=max_length, blank=True, default="",
                            db_default="", **kw)


class Enterprise(Placed):
    """Enterprise (企业): one row per supervised enterprise."""

    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField(
        _("行业代码"), max_length=5,
        validators=[RegexValidator(r"^[A-T](\d{2}(\d{1,2})?)?$", _("行业代码应符合GB/T 4754"))],
        help_text=_("GB/T 4754 国民经济行业分类代码，如 C2614"),
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    risk_level = models.PositiveSmallIntegerField(
        _("风险等级"), choices=RiskLevel.choices, default=RiskLevel.LOW,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    has_major_hazard = models.BooleanField(_("构成重大危险源"), default=False)
    organisation = models.OneToOneField(
        "geo.Organisation", models.SET_NULL, null=True, blank=True, verbose_name=_("对应单位")
    )
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    # ---- registration (登记信息) ----
    status = models.CharField(_("登记状态"), max_length=12, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.REGISTERED,
                              db_default=EnterpriseStatus.REGISTERED, db_index=True)
    cancelled_on = models.DateField(_("核销日期"), null=True, blank=True, editable=False)
    cancel_reason = _optional_text(_("核销原因"), 200, editable=False)
    established = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=14,
                                             decimal_places=2, null=True, blank=True,
                                             validators=[MinValueValidator(0)])
    economic_type = _optional_text(_("经济类型"), 50,
                                   help_text=_("如 国有、集体、私营、外商投资"))
    scale = _optional_text(_("企业规模"), 8, choices=EnterpriseScale.choices)
    business_scope = _optional_text(_("经营范围"), 1000)
    employees = models.PositiveIntegerField(_("从业人员数"), default=0, db_default=0)
    # ---- people (法定代表人、安全负责人) ----
    legal_representative = _optional_text(_("法定代表人"), 50)
    legal_representative_phone = _optional_text(_("法定代表人电话"), 30, validators=[PHONE])
    safety_officer = _optional_text(_("安全负责人"), 50)
    safety_officer_phone = _optional_text(_("安全负责人电话"), 30, validators=[PHONE])
    # ---- standardisation (安全生产标准化) ----
    standardisation_grade = _optional_text(_("安全生产标准化等级"), 1,
                                           choices=StandardisationGrade.choices)
    standardisation_valid_to = models.DateField(_("标准化证书有效期至"), null=True, blank=True)
    categories = ArrayField(models.CharField(max_length=24, choices=Category.choices),
                            verbose_name=_("监管类别"), default=list, db_default=[], blank=True)
    # Assigned from the industry code and the division, never typed in.
    supervising_department = models.ForeignKey(
        "geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="supervised",
        verbose_name=_("监管部门"), editable=False)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["division_code", "risk_level"]),
                   GinIndex(fields=["categories"], name="enterprise_categories")]

    def __str__(self) -> str:
        return self.name


# ---- edits proposed by the enterprise, reviewed by the supervising department --------
class EditStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class EnterpriseEdit(Audited, models.Model):
    """A proposed change to one enterprise's file (企业档案变更申请)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="edits",
                                   verbose_name=_("企业"))
    status = models.CharField(_("状态"), max_length=10, choices=EditStatus.choices,
                              default=EditStatus.SUBMITTED, db_index=True)
    proposed = models.JSONField(_("申请变更内容"), default=dict)
    base = models.JSONField(_("变更前内容"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("申请人"))
    submitted_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("企业档案变更申请")
        verbose_name_plural = _("企业档案变更申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["enterprise"], condition=models.Q(status="submitted"),
            name="enterprise_edit_one_pending")]

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.pk}"
