"""What is on the map: enterprises (the first slice of 一企一档)."""

from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from registry.credit_code import validate_credit_code


class RiskLevel(models.IntegerChoices):
    MAJOR = 1, _("重大风险（红）")
    HIGH = 2, _("较大风险（橙）")
    MODERATE = 3, _("一般风险（黄）")
    LOW = 4, _("低风险（蓝）")


class Enterprise(models.Model):
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
    division_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
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
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["division_code", "risk_level"])]

    def __str__(self) -> str:
        return self.name
from registry.floorplan_models import FloorPlan  # noqa: E402,F401  (厂区平面图)
from registry.hazard_models import (  # noqa: E402,F401  (备案记录, 包保责任人 added)
    Chemical,
    HazardSource,
    HazardSourceChemical,
    HazardSourceFiling,
    ResponsiblePerson,
)
from registry.licence_models import Licence, LicenceKind  # noqa: E402,F401  (证照)
from registry.resource_models import ResourceBase  # noqa: E402,F401  (emergency resources)
