"""Hazardous chemicals and major hazard sources (重大危险源, GB 18218-2018).

Imported by `registry.models`; writes go through `registry.hazards.services`.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned
from registry.hazards import gb18218


class PhysicalState(models.TextChoices):
    """常温常压下的状态 (as responders see it)."""

    GAS = "gas", _("气体")
    LIQUID = "liquid", _("液体")
    SOLID = "solid", _("固体")


class Chemical(models.Model):
    """Hazardous chemical (危险化学品) catalogue entry; GB 18218 Table 1 rows keep their 序号."""

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    aliases = ArrayField(models.CharField(max_length=100), verbose_name=_("别名"),
                         default=list, blank=True)
    cas = models.CharField(_("CAS号"), max_length=120, blank=True, db_index=True,
                           help_text=_("可含多个CAS号，如甲烷与天然气"))
    un_number = models.CharField(_("UN号"), max_length=4, blank=True, db_index=True)
    gb18218_seq = models.PositiveSmallIntegerField(
        _("GB 18218表1序号"), null=True, blank=True, unique=True)
    hazard_symbols = ArrayField(
        models.CharField(max_length=8), verbose_name=_("危险性类别符号"), default=list, blank=True,
        help_text=_("GB 18218表2符号，如 W5.3、J1"))
    # Why the classes are what they are (the symbols file's source), or that Table 3 gives
    # the β; empty for a Table 1 row whose class is open (未定: 汽油, 煤气, …).
    hazard_symbols_source = models.TextField(_("类别依据"), blank=True)
    critical_quantity = models.DecimalField(
        _("临界量（吨）"), max_digits=12, decimal_places=4, null=True, blank=True)
    beta = models.DecimalField(_("校正系数β"), max_digits=6, decimal_places=2, null=True,
                               blank=True)
    properties = models.TextField(_("理化特性"), blank=True)
    health_hazards = models.TextField(_("健康危害"), blank=True)
    first_aid = models.TextField(_("急救措施"), blank=True)
    fire_fighting = models.TextField(_("消防措施"), blank=True)
    leak_handling = models.TextField(_("泄漏应急处置"), blank=True)
    # Observable attributes for unknown-chemical identification (未知化学品辨识); the words
    # come from the fixed vocabularies in registry/hazards/identification.py.
    physical_state = models.CharField(_("常温状态"), max_length=8, blank=True,
                                      choices=PhysicalState.choices)
    colours = ArrayField(models.CharField(max_length=20), verbose_name=_("颜色"),
                         default=list, blank=True)
    odours = ArrayField(models.CharField(max_length=20), verbose_name=_("气味"),
                        default=list, blank=True)
    symptoms = ArrayField(models.CharField(max_length=20), verbose_name=_("中毒症状"),
                          default=list, blank=True)
    safety_source = models.CharField(_("安全数据来源"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("危险化学品")
        verbose_name_plural = _("危险化学品")
        ordering = ["gb18218_seq", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A Table 1 number must exist, a Table 1 chemical is its row and not a second
        entry, and classes are Table 2 symbols: each error names the chemical."""
        _raise_problems({
            "gb18218_seq": gb18218.table1_problem(self.name, self.gb18218_seq),
            "name": gb18218.duplicate_problem(self.name)
            if self.gb18218_seq is None and self.name else "",
            "hazard_symbols": gb18218.symbols_problem(self.name, self.hazard_symbols or ())})


def _raise_problems(problems: dict[str, str]) -> None:
    errors = {field: text for field, text in problems.items() if text}
    if errors:
        raise ValidationError(errors)


class HazardSourceKind(models.TextChoices):
    PRODUCTION = "production", _("生产单元")
    TANK_FARM = "tank_farm", _("储存单元（罐区）")
    WAREHOUSE = "warehouse", _("储存单元（库区）")


class HazardLevel(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")


class FilingState(models.TextChoices):
    """备案状态 of a major hazard source."""

    DRAFT = "draft", _("未备案")
    SUBMITTED = "submitted", _("已提交备案")
    ACCEPTED = "accepted", _("已备案")
    RETURNED = "returned", _("已退回")


class HazardSource(Owned):
    """Major hazard source (重大危险源): a production or storage unit and its chemicals.

    S, R, level and the steps are computed by `hazard_source_evaluate`, never typed in. A
    major hazard that cannot be graded (no exposed population entered, a β that cannot be
    determined, …) is 未评估: no level, and `unevaluated_reason` says why.
    """

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="hazard_sources", verbose_name=_("企业"))
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("单元类型"), max_length=16, choices=HazardSourceKind.choices)
    # No default: 0 people is a value (α 0.5, the least conservative) that must be entered.
    exposed_people = models.PositiveIntegerField(
        _("厂外500米内常住人口"), null=True, blank=True,
        help_text=_("用于确定校正系数α；须填写，0人也须填写，未填写则不评估级别"))
    geom = models.MultiPolygonField(_("范围"), srid=4326, spatial_index=True)
    s_value = models.DecimalField(_("S值"), max_digits=20, decimal_places=7, null=True,
                                  blank=True, editable=False)
    r_value = models.DecimalField(_("R值"), max_digits=20, decimal_places=7, null=True,
                                  blank=True, editable=False)
    level = models.PositiveSmallIntegerField(_("级别"), choices=HazardLevel.choices, null=True,
                                             blank=True, editable=False)
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    unevaluated_reason = models.CharField(_("未评估原因"), max_length=1000, blank=True,
                                          editable=False)
    evaluation = models.JSONField(_("辨识分级过程"), default=dict, blank=True, editable=False)
    filing_state = models.CharField(_("备案状态"), max_length=10, choices=FilingState.choices,
                                    default=FilingState.DRAFT, editable=False, db_index=True)
    filing_number = models.CharField(_("备案编号"), max_length=20, null=True, blank=True,
                                     unique=True, editable=False)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True, editable=False)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        ordering = ["enterprise_id", "name"]

    def __str__(self) -> str:
        return self.name


class HazardSourceChemical(Audited, models.Model):
    """A chemical in a unit with its maximum design quantity (设计最大量), in tonnes.

    Its class for this unit may be entered by a supervisor over the source, with where the
    class came from (`hazard_symbols_note`); audited, so who entered it is on record."""

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="items",
                               verbose_name=_("重大危险源"))
    chemical = models.ForeignKey(Chemical, models.PROTECT, related_name="+",
                                 verbose_name=_("危险化学品"))
    max_tonnes = models.DecimalField(_("设计最大量（吨）"), max_digits=14, decimal_places=4,
                                     validators=[MinValueValidator(0)])
    hazard_symbols = ArrayField(
        models.CharField(max_length=8), verbose_name=_("本单元危险性类别"), default=list,
        blank=True, help_text=_("留空则用化学品目录中的类别；工艺条件改变类别时填写，如 W5.1"))
    hazard_symbols_note = models.TextField(_("类别依据"), blank=True)

    class Meta:
        verbose_name = _("危险化学品存量")
        verbose_name_plural = _("危险化学品存量")
        constraints = [models.UniqueConstraint(fields=["source", "chemical"],
                                               name="hazard_source_chemical_once")]

    def __str__(self) -> str:
        return f"{self.chemical} {self.max_tonnes} t"

    def clean(self) -> None:
        """The chemical's Table 1 number and the unit's classes, named by the chemical."""
        if self.chemical_id:
            chem = self.chemical
            _raise_problems({
                "chemical": gb18218.table1_problem(chem.name, chem.gb18218_seq),
                "hazard_symbols": gb18218.symbols_problem(chem.name, self.hazard_symbols or ())})


class FilingAction(models.TextChoices):
    SUBMIT = "submit", _("提交备案")
    ACCEPT = "accept", _("受理备案")
    RETURN = "return", _("退回")
    WITHDRAW = "withdraw", _("撤回备案")
    CHANGE = "change", _("变更后需重新备案")


class HazardSourceFiling(models.Model):
    """One step of the filing (备案) history: who did what, when, and why."""

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="filings",
                               verbose_name=_("重大危险源"))
    action = models.CharField(_("操作"), max_length=8, choices=FilingAction.choices)
    # SET_NULL like the audit log: removing an account must not rewrite or block history
    user = models.ForeignKey("geo.User", models.SET_NULL, null=True, related_name="+",
                             verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("意见或退回原因"), blank=True)
    number = models.CharField(_("备案编号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("备案记录")
        verbose_name_plural = _("备案记录")
        ordering = ["source_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.get_action_display()}"


class ResponsibleRole(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人")
    TECHNICAL = "technical", _("技术负责人")
    OPERATION = "operation", _("操作负责人")


# Mainland mobile (11 digits) or a landline with area code, optional extension.
PHONE = RegexValidator(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
                       _("请填写11位手机号或带区号的固定电话，如 025-84561234"))


class ResponsiblePerson(models.Model):
    """A person answerable for one source (重大危险源包保责任人): one per role."""

    source = models.ForeignKey(HazardSource, models.CASCADE, related_name="persons",
                               verbose_name=_("重大危险源"))
    role = models.CharField(_("责任类别"), max_length=10, choices=ResponsibleRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[PHONE])

    class Meta:
        verbose_name = _("包保责任人")
        verbose_name_plural = _("包保责任人")
        ordering = ["source_id", "role"]
        constraints = [models.UniqueConstraint(fields=["source", "role"],
                                               name="responsible_person_once_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"
