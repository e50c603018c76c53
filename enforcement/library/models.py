"""一单两库 (one list, two libraries) of 互联网+执法: the inspection item list
(检查事项清单) with each item's legal basis and penalty, the inspector library
(执法人员库) and the target library (检查对象库, key 重点 / general 一般 enterprises).

The item list is national reference data (the same for every jurisdiction, kept by the
system administrator); inspectors and targets belong to places and are read in scope.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Owned, Placed


class PenaltyKind(models.TextChoices):
    """Kinds of administrative penalty (行政处罚种类) the provisions name."""

    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATE = "confiscate", _("没收违法所得")
    SUSPEND = "suspend", _("责令停产停业整顿")
    REVOKE = "revoke", _("吊销有关证照")
    CLOSE = "close", _("关闭")


class Confidence(models.TextChoices):
    """How sure the starter data is of a quotation (the reference's legend)."""

    VERIFIED = "verified", _("已核对")
    LIKELY = "likely", _("待核对")


class PenaltyProvision(Audited, models.Model):
    """A penalty article (罚则条款), e.g. 《安全生产法》第九十七条: the document, the article
    and its text; its discretion tiers (自由裁量) are the `ranges`."""

    key = models.CharField(_("条款代码"), max_length=32, unique=True)
    document = models.CharField(_("法律法规"), max_length=200)
    article = models.CharField(_("条款"), max_length=50)
    text = models.TextField(_("条文"))
    confidence = models.CharField(_("核对状态"), max_length=10, choices=Confidence.choices,
                                  default=Confidence.LIKELY)

    class Meta:
        verbose_name = _("处罚依据")
        verbose_name_plural = _("处罚依据")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"《{self.document}》{self.article}"


class PenaltyRange(Audited, models.Model):
    """One discretion tier of a provision (裁量阶次): in which circumstance, which kinds of
    penalty, and the fine range on the unit and on the persons directly responsible
    (直接负责的主管人员和其他直接责任人员), in yuan. None: the tier fines nobody there."""

    provision = models.ForeignKey(PenaltyProvision, models.CASCADE, related_name="ranges",
                                  verbose_name=_("处罚依据"))
    order = models.PositiveSmallIntegerField(_("阶次"))
    circumstance = models.CharField(_("情形"), max_length=200)
    kinds = ArrayField(models.CharField(max_length=12, choices=PenaltyKind.choices),
                       verbose_name=_("处罚种类"), default=list, blank=True)
    fine_min = models.PositiveIntegerField(_("单位罚款下限（元）"), null=True, blank=True)
    fine_max = models.PositiveIntegerField(_("单位罚款上限（元）"), null=True, blank=True)
    person_fine_min = models.PositiveIntegerField(_("责任人员罚款下限（元）"), null=True,
                                                  blank=True)
    person_fine_max = models.PositiveIntegerField(_("责任人员罚款上限（元）"), null=True,
                                                  blank=True)

    class Meta:
        verbose_name = _("裁量阶次")
        verbose_name_plural = _("裁量阶次")
        ordering = ["provision", "order"]
        constraints = [
            models.UniqueConstraint(fields=["provision", "order"], name="penalty_range_order"),
            models.CheckConstraint(condition=models.Q(fine_min__lte=models.F("fine_max"))
                                   | models.Q(fine_min__isnull=True)
                                   | models.Q(fine_max__isnull=True),
                                   name="penalty_range_fine_order"),
            models.CheckConstraint(
                condition=models.Q(person_fine_min__lte=models.F("person_fine_max"))
                | models.Q(person_fine_min__isnull=True)
                | models.Q(person_fine_max__isnull=True),
                name="penalty_range_person_fine_order"),
        ]

    def __str__(self) -> str:
        return f"{self.provision} · {self.circumstance}"


class CheckItem(Audited, models.Model):
    """检查事项: what an inspector checks, where the duty is written (legal basis: the law,
    regulation or standard and its article) and how a violation is punished (the penalty
    provision and its item, 项). `source` names the document and article the item itself
    was taken from (e.g. 安监总管三〔2017〕121号 第1项)."""

    code = models.CharField(_("事项编码"), max_length=20, unique=True)
    industry = models.CharField(_("适用行业"), max_length=24, default="hazardous_chemicals")
    category = models.CharField(_("检查类别"), max_length=50)
    title = models.CharField(_("检查事项"), max_length=200)
    content = models.TextField(_("检查内容"))
    method = models.CharField(_("检查方式"), max_length=200, blank=True)
    basis_document = models.CharField(_("检查依据"), max_length=200)
    basis_article = models.CharField(_("依据条款"), max_length=100)
    basis_text = models.TextField(_("依据条文"), blank=True)
    source = models.CharField(_("事项来源"), max_length=200)
    penalty = models.ForeignKey(PenaltyProvision, models.PROTECT, null=True, blank=True,
                                related_name="items", verbose_name=_("处罚依据"))
    penalty_clause = models.CharField(_("处罚条款项"), max_length=30, blank=True)
    # one of the 20 重大生产安全事故隐患 of 安监总管三〔2017〕121号
    major_hidden_danger = models.BooleanField(_("重大事故隐患判定项"), default=False)
    confidence = models.CharField(_("核对状态"), max_length=10, choices=Confidence.choices,
                                  default=Confidence.LIKELY)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项清单")
        ordering = ["code"]
        indexes = [models.Index(fields=["industry", "category"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def basis(self) -> str:
        return f"《{self.basis_document}》{self.basis_article}"


class Specialty(models.TextChoices):
    """An inspector's field (执法专业)."""

    HAZCHEM = "hazardous_chemicals", _("危险化学品")
    MINES = "non_coal_mines", _("非煤矿山")
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    FIREWORKS = "fireworks", _("烟花爆竹")
    GENERAL = "general", _("综合")


class Inspector(Audited, Placed):
    """执法人员: a government user who holds a law-enforcement certificate (执法证). The
    division code is the user's organisation's area, copied when the row is written."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT,
                                related_name="inspector", verbose_name=_("用户"))
    certificate_number = models.CharField(_("执法证号"), max_length=30, unique=True)
    certificate_valid_to = models.DateField(_("执法证有效期至"), null=True, blank=True)
    specialties = ArrayField(models.CharField(max_length=24, choices=Specialty.choices),
                             verbose_name=_("专业"), default=list, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员库")
        ordering = ["division_code", "certificate_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


class TargetCategory(models.TextChoices):
    KEY = "key", _("重点检查对象")
    GENERAL = "general", _("一般检查对象")


class Target(Audited, Owned):
    """检查对象: an enterprise in the target library, key or general. Owned by the enterprise
    (`geo.places.Owned`): its division code follows the enterprise's."""

    enterprise = models.OneToOneField("registry.Enterprise", models.CASCADE,
                                      related_name="inspection_target",
                                      verbose_name=_("企业"))
    category = models.CharField(_("对象类别"), max_length=10, choices=TargetCategory.choices,
                                default=TargetCategory.GENERAL)
    # why it is key (or general): the rule's words, or the supervisor's
    reason = models.CharField(_("分类理由"), max_length=200, blank=True)
    # set by a supervisor: a sync no longer changes the category by rule
    fixed = models.BooleanField(_("人工确定"), default=False)
    active = models.BooleanField(_("纳入抽查"), default=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象库")
        ordering = ["division_code", "enterprise_id"]
        indexes = [models.Index(fields=["division_code", "category"])]

    def __str__(self) -> str:
        return str(self.enterprise)
