"""Administrative penalty cases (行政处罚案件) and the discretion benchmarks (自由裁量基准)
their fines are checked against.

A case sits where its party is (`division_code`, the read gate's column) and is owned by
the handling agency (`organisation`, a government organisation: the write gate's owner).
Its source is generic (an inspection of another slice, a complaint, a transferred case):
a content type and id, no foreign key into a slice this one may not import.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from geo.models import Audited
from geo.places import Placed


class CaseState(models.TextChoices):
    PROPOSED = "proposed", _("待立案审批")
    INVESTIGATING = "investigating", _("调查取证")
    REVIEWING = "reviewing", _("法制审核")
    REVIEWED = "reviewed", _("待告知")
    NOTIFIED = "notified", _("陈述申辩期")
    HEARING = "hearing", _("听证")
    HEARD = "heard", _("待决定")
    DECIDED = "decided", _("执行中")
    EXECUTED = "executed", _("待结案")
    CLOSED = "closed", _("已结案")
    CANCELLED = "cancelled", _("已撤销立案")
    TRANSFERRED = "transferred", _("已移送")


# The states in which a case is still being handled (reminders, work queues).
OPEN_STATES = frozenset(CaseState.values) - {CaseState.CLOSED, CaseState.CANCELLED,
                                             CaseState.TRANSFERRED}


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("监督检查发现")
    COMPLAINT = "complaint", _("投诉举报")
    TRANSFER = "transfer", _("其他机关移送")
    ACCIDENT = "accident", _("事故调查")
    OTHER = "other", _("其他")


class PartyKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("单位")
    PERSON = "person", _("个人")


class Circumstance(models.TextChoices):
    """情节 of a violation in a discretion benchmark, from the lightest."""

    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class PenaltyKind(models.TextChoices):
    """行政处罚的种类 (《行政处罚法》2021 第九条) as they occur in work safety."""

    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得")
    SUSPENSION = "suspension", _("责令停产停业")
    LICENCE = "licence", _("暂扣或者吊销许可证")
    QUALIFICATION = "qualification", _("降低资质等级")
    RESTRICTION = "restriction", _("限制从业")
    CLOSURE = "closure", _("责令关闭")


class Violation(models.Model):
    """A kind of violation (违法行为) of the discretion benchmark (裁量基准): what is broken
    and by which article it is punished."""

    code = models.CharField(_("违法行为编码"), max_length=32, unique=True)
    name = models.CharField(_("违法行为"), max_length=300)
    legal_basis = models.TextField(_("违法依据"))
    penalty_basis = models.TextField(_("处罚依据"))

    class Meta:
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DiscretionRange(models.Model):
    """The fine range (罚款幅度, yuan) of one violation under one circumstance."""

    violation = models.ForeignKey(Violation, models.CASCADE, related_name="ranges",
                                  verbose_name=_("违法行为"))
    circumstance = models.CharField(_("违法情节"), max_length=10, choices=Circumstance.choices)
    party_kind = models.CharField(_("当事人类型"), max_length=10, choices=PartyKind.choices,
                                  default=PartyKind.ENTERPRISE)
    fine_min = models.DecimalField(_("罚款下限（元）"), max_digits=12, decimal_places=2)
    fine_max = models.DecimalField(_("罚款上限（元）"), max_digits=12, decimal_places=2)
    description = models.CharField(_("情节描述"), max_length=300, blank=True)
    penalties = ArrayField(models.CharField(max_length=16, choices=PenaltyKind.choices),
                           verbose_name=_("可并处处罚"), default=list, blank=True)

    class Meta:
        verbose_name = _("裁量幅度")
        verbose_name_plural = _("裁量幅度")
        ordering = ["violation", "party_kind", "fine_min"]
        constraints = [
            models.UniqueConstraint(fields=["violation", "circumstance", "party_kind"],
                                    name="penalty_range_once"),
            models.CheckConstraint(condition=models.Q(fine_min__lte=models.F("fine_max")),
                                   name="penalty_range_ordered",
                                   violation_error_message=_("罚款下限不能高于上限")),
        ]

    def __str__(self) -> str:
        return f"{self.violation.code} {self.get_circumstance_display()}"


class Case(Audited, Placed):
    """行政处罚案件: its party, source, facts, penalty and the dates of its procedure."""

    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("承办机关"))
    state = models.CharField(_("办理状态"), max_length=14, choices=CaseState.choices,
                             default=CaseState.PROPOSED, db_index=True)
    cause = models.CharField(_("案由"), max_length=300)
    # the party (当事人): an enterprise of the registry, or a person by name
    party_kind = models.CharField(_("当事人类型"), max_length=10, choices=PartyKind.choices)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("当事单位"))
    party_name = models.CharField(_("当事人"), max_length=200)
    party_id_number = models.CharField(_("统一社会信用代码或身份证号"), max_length=32,
                                       blank=True)
    party_address = models.CharField(_("当事人地址"), max_length=300, blank=True)
    industry = models.CharField(_("行业代码"), max_length=5, blank=True)  # GB/T 4754
    geom = models.PointField(_("位置"), srid=4326, null=True, blank=True)
    # where it came from (案件来源)
    source_kind = models.CharField(_("案件来源"), max_length=12, choices=SourceKind.choices)
    source_type = models.ForeignKey(ContentType, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("来源类型"))
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    # what the documents are filled from
    facts = models.TextField(_("违法事实"), blank=True)
    evidence = models.JSONField(_("证据清单"), default=list, blank=True)
    violation = models.ForeignKey(Violation, models.PROTECT, null=True, blank=True,
                                  related_name="cases", verbose_name=_("违法行为"))
    circumstance = models.CharField(_("违法情节"), max_length=10, blank=True,
                                    choices=Circumstance.choices)
    legal_basis = models.TextField(_("违法依据"), blank=True)
    penalty_basis = models.TextField(_("处罚依据"), blank=True)
    penalties = ArrayField(models.CharField(max_length=16, choices=PenaltyKind.choices),
                           verbose_name=_("处罚种类"), default=list, blank=True)
    fine = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2,
                               null=True, blank=True)
    review_opinion = models.TextField(_("法制审核意见"), blank=True)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    hearing_requested = models.BooleanField(_("申请听证"), default=False)
    hearing_record = models.TextField(_("听证情况"), blank=True)
    execution = models.TextField(_("执行情况"), blank=True)
    ended_reason = models.TextField(_("撤销或移送理由"), blank=True)
    # dates of the procedure
    opened_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    statement_due = models.DateTimeField(_("陈述申辩截止"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    executed_at = models.DateTimeField(_("执行完毕时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    stage_since = models.DateTimeField(_("进入当前阶段时间"))

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"]),
                   models.Index(fields=["violation", "state"])]

    def __str__(self) -> str:
        return f"{self.party_name}：{self.cause}"


class CaseAgency(models.Model):
    """An agency taking part in a joint enforcement case (联合执法) beside the handling one."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="agencies",
                             verbose_name=_("案件"))
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("联合执法单位"))
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合执法单位")
        verbose_name_plural = _("联合执法单位")
        constraints = [models.UniqueConstraint(fields=["case", "organisation"],
                                               name="case_agency_once")]


class CaseMember(models.Model):
    """An enforcement officer handling the case (承办人员), of the handling agency or of a
    joint one; the law asks for at least two (《行政处罚法》第四十二条)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="members",
                             verbose_name=_("案件"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                             verbose_name=_("执法人员"))
    lead = models.BooleanField(_("主办人"), default=False)

    class Meta:
        verbose_name = _("承办人员")
        verbose_name_plural = _("承办人员")
        ordering = ["-lead", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"],
                                               name="case_member_once")]


class CaseStep(models.Model):
    """One step taken on a case, beside the audit log: who, when, what they wrote."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps",
                             verbose_name=_("案件"))
    action = models.CharField(_("环节"), max_length=20)
    state = models.CharField(_("进入状态"), max_length=14, choices=CaseState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("操作人"))
    reason = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办案环节")
        verbose_name_plural = _("办案环节")
        ordering = ["at", "id"]


class CaseTransfer(models.Model):
    """案件移送: to another agency (which opens its own case from this one) or, 涉嫌犯罪,
    to the public security organ."""

    class To(models.TextChoices):
        AGENCY = "agency", _("其他行政机关")
        POLICE = "police", _("公安机关（涉嫌犯罪）")

    case = models.OneToOneField(Case, models.CASCADE, related_name="transfer",
                                verbose_name=_("案件"))
    to = models.CharField(_("移送对象"), max_length=8, choices=To.choices)
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("接收机关"))
    receiver = models.CharField(_("接收单位名称"), max_length=200)
    reason = models.TextField(_("移送理由"))
    at = models.DateTimeField(_("移送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")


def content_type_of(row) -> ContentType:
    return ContentType.objects.get_for_model(type(row))
