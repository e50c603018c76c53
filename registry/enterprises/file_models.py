"""The one-enterprise file (一企一档) beyond the map point: registration data, people,
training, safety investment and the special categories with their own fields.

Imported by `registry.models`. Child rows are scoped through their enterprise
(`enterprise__division_code` / `enterprise__organisation`); they are not layers.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited

PHONE = RegexValidator(r"^[0-9+\-() ]{5,30}$", _("请输入有效的电话号码"))


class EnterpriseStatus(models.TextChoices):
    REGISTERED = "registered", _("在册")
    CANCELLED = "cancelled", _("已核销")


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class StandardisationGrade(models.TextChoices):
    NONE = "", _("未达标")
    ONE = "1", _("一级")
    TWO = "2", _("二级")
    THREE = "3", _("三级")


class Category(models.TextChoices):
    """Special supervision categories; an enterprise may be in several."""

    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    AMMONIA_REFRIGERATION = "ammonia_refrigeration", _("涉氨制冷")
    NON_COAL_MINE = "non_coal_mine", _("非煤矿山")
    TAILINGS_POND = "tailings_pond", _("尾矿库")
    FIREWORKS = "fireworks", _("烟花爆竹")
    INDUSTRY_TRADE = "industry_trade", _("工贸行业")


class ChemicalLicenceType(models.TextChoices):
    PRODUCTION = "production", _("生产")
    USE = "use", _("使用")
    STORAGE = "storage", _("储存")
    OPERATION_WITH_STORAGE = "operation_storage", _("经营（带储存）")
    OPERATION = "operation", _("经营（不带储存）")


class KeyProcess(models.TextChoices):
    """The 18 key supervised hazardous chemical processes (重点监管危险化工工艺)."""

    PHOSGENATION = "phosgenation", _("光气及光气化工艺")
    ELECTROLYSIS = "electrolysis", _("电解工艺（氯碱）")
    CHLORINATION = "chlorination", _("氯化工艺")
    NITRATION = "nitration", _("硝化工艺")
    AMMONIA_SYNTHESIS = "ammonia_synthesis", _("合成氨工艺")
    CRACKING = "cracking", _("裂解（裂化）工艺")
    FLUORINATION = "fluorination", _("氟化工艺")
    HYDROGENATION = "hydrogenation", _("加氢工艺")
    DIAZOTISATION = "diazotisation", _("重氮化工艺")
    OXIDATION = "oxidation", _("氧化工艺")
    PEROXIDATION = "peroxidation", _("过氧化工艺")
    AMINATION = "amination", _("胺基化工艺")
    SULFONATION = "sulfonation", _("磺化工艺")
    POLYMERISATION = "polymerisation", _("聚合工艺")
    ALKYLATION = "alkylation", _("烷基化工艺")
    COAL_CHEMICAL = "coal_chemical", _("新型煤化工工艺")
    CALCIUM_CARBIDE = "calcium_carbide", _("电石生产工艺")
    AZO = "azo", _("偶氮化工艺")


class MineKind(models.TextChoices):
    UNDERGROUND = "underground", _("金属非金属地下矿山")
    OPEN_PIT = "open_pit", _("金属非金属露天矿山")
    QUARRY = "quarry", _("小型露天采石场")
    TAILINGS_POND = "tailings_pond", _("尾矿库")


class TailingsGrade(models.IntegerChoices):
    ONE = 1, _("一等库")
    TWO = 2, _("二等库")
    THREE = 3, _("三等库")
    FOUR = 4, _("四等库")
    FIVE = 5, _("五等库")


class FireworksBusiness(models.TextChoices):
    PRODUCTION = "production", _("生产")
    WHOLESALE = "wholesale", _("批发")
    RETAIL = "retail", _("零售")


class TradeSector(models.TextChoices):
    """The eight industry-and-trade sectors (工贸行业)."""

    METALLURGY = "metallurgy", _("冶金")
    NON_FERROUS = "non_ferrous", _("有色")
    BUILDING_MATERIALS = "building_materials", _("建材")
    MACHINERY = "machinery", _("机械")
    LIGHT_INDUSTRY = "light_industry", _("轻工")
    TEXTILES = "textiles", _("纺织")
    TOBACCO = "tobacco", _("烟草")
    COMMERCE = "commerce", _("商贸")


def _choices_array(choices, verbose_name, **kw) -> ArrayField:
    return ArrayField(models.CharField(max_length=32, choices=choices),
                      verbose_name=verbose_name, default=list, blank=True, **kw)


class _Profile(Audited, models.Model):
    """One row per enterprise in a special category (each names its own `enterprise`)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.enterprise)


class HazchemProfile(_Profile):
    """Hazardous chemicals (危险化学品): licence types and 两重点一重大."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="hazchem", verbose_name=_("企业"))
    licence_types = _choices_array(ChemicalLicenceType.choices, _("许可类型"))
    key_processes = _choices_array(KeyProcess.choices, _("重点监管危险化工工艺"))
    key_chemicals = ArrayField(models.CharField(max_length=100), default=list, blank=True,
                               verbose_name=_("重点监管危险化学品"))
    in_chemical_park = models.BooleanField(_("位于化工园区"), default=False)

    class Meta:
        verbose_name = _("危险化学品企业信息")
        verbose_name_plural = _("危险化学品企业信息")


class AmmoniaRefrigerationProfile(_Profile):
    """Ammonia refrigeration (涉氨制冷)."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="ammonia", verbose_name=_("企业"))
    ammonia_tonnes = models.DecimalField(_("液氨储量（吨）"), max_digits=10, decimal_places=3,
                                         validators=[MinValueValidator(0)])
    cold_storage_tonnes = models.PositiveIntegerField(_("冷库库容（吨）"), default=0)
    workshop_workers = models.PositiveIntegerField(_("涉氨车间同时作业人数"), default=0)
    leak_alarm = models.BooleanField(_("设置氨泄漏报警装置"), default=False)

    class Meta:
        verbose_name = _("涉氨制冷信息")
        verbose_name_plural = _("涉氨制冷信息")


class MineProfile(_Profile):
    """Non-coal mine or tailings pond (非煤矿山、尾矿库)."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="mine", verbose_name=_("企业"))
    kind = models.CharField(_("矿山类型"), max_length=16, choices=MineKind.choices)
    mineral = models.CharField(_("开采矿种"), max_length=50, blank=True)
    mining_licence = models.CharField(_("采矿许可证号"), max_length=50, blank=True)
    capacity_kt = models.DecimalField(_("设计生产能力（万吨/年）"), max_digits=10,
                                      decimal_places=2, null=True, blank=True)
    dam_height_m = models.DecimalField(_("尾矿坝高（米）"), max_digits=7, decimal_places=2,
                                       null=True, blank=True)
    storage_capacity = models.DecimalField(_("总库容（万立方米）"), max_digits=10,
                                           decimal_places=2, null=True, blank=True)
    tailings_grade = models.PositiveSmallIntegerField(
        _("尾矿库等别"), choices=TailingsGrade.choices, null=True, blank=True)
    downstream_residents = models.PositiveIntegerField(_("下游居民（人）"), default=0)

    class Meta:
        verbose_name = _("非煤矿山信息")
        verbose_name_plural = _("非煤矿山信息")


class FireworksProfile(_Profile):
    """Fireworks (烟花爆竹): production, wholesale or retail."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="fireworks", verbose_name=_("企业"))
    businesses = _choices_array(FireworksBusiness.choices, _("经营类别"))
    storage_tonnes = models.DecimalField(_("仓储药量（吨）"), max_digits=10, decimal_places=3,
                                         default=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("烟花爆竹企业信息")
        verbose_name_plural = _("烟花爆竹企业信息")


class IndustryTradeProfile(_Profile):
    """Industry and trade (工贸行业): the sector and its key hazards."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="trade", verbose_name=_("企业"))
    sector = models.CharField(_("工贸行业"), max_length=24, choices=TradeSector.choices)
    combustible_dust = models.BooleanField(_("涉爆粉尘"), default=False)
    confined_space = models.BooleanField(_("有限空间作业"), default=False)
    metal_smelting = models.BooleanField(_("金属冶炼"), default=False)

    class Meta:
        verbose_name = _("工贸企业信息")
        verbose_name_plural = _("工贸企业信息")


class SafetyManager(Audited, models.Model):
    """Safety manager (安全管理人员) with the certificate that qualifies them."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="safety_managers", verbose_name=_("企业"))
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[PHONE])
    certificate = models.CharField(_("安全管理资格证号"), max_length=50, blank=True)
    certificate_valid_to = models.DateField(_("证书有效期至"), null=True, blank=True)
    full_time = models.BooleanField(_("专职"), default=True)

    class Meta:
        verbose_name = _("安全管理人员")
        verbose_name_plural = _("安全管理人员")
        ordering = ["enterprise_id", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingKind(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人培训")
    MANAGER = "manager", _("安全管理人员培训")
    SPECIAL_OPERATION = "special", _("特种作业人员培训")
    ALL_STAFF = "all_staff", _("全员安全培训")


class TrainingRecord(Audited, models.Model):
    """Safety training (安全培训) held by or for the enterprise."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="trainings", verbose_name=_("企业"))
    kind = models.CharField(_("培训类型"), max_length=16, choices=TrainingKind.choices)
    topic = models.CharField(_("培训内容"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0)])
    participants = models.PositiveIntegerField(_("参训人数"))

    class Meta:
        verbose_name = _("安全培训记录")
        verbose_name_plural = _("安全培训记录")
        ordering = ["enterprise_id", "-held_on"]

    def __str__(self) -> str:
        return self.topic


class SafetyInvestment(Audited, models.Model):
    """Safety production investment (安全生产投入) for one year, in 10,000 yuan."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="investments", verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    planned = models.DecimalField(_("计划投入（万元）"), max_digits=12, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    actual = models.DecimalField(_("实际投入（万元）"), max_digits=12, decimal_places=2,
                                 null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("安全生产投入")
        verbose_name_plural = _("安全生产投入")
        ordering = ["enterprise_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"],
                                               name="safety_investment_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year}"
