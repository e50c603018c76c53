"""Hidden dangers (事故隐患, reference §6): the enterprise's register and its closed loop
(隐患排查治理). Imported by `enforcement.models`; writes go through
`enforcement.dangers.services` and the loop is `enforcement.dangers.loop.LOOP`.

Field names follow the provincial 隐患治理信息 table (`YHZLXX`, reference §6.3): the
comment after a field names its column there."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Owned


class DangerLevel(models.TextChoices):
    """`DANGER_LEVEL`: 16号令's two grades (the province's codes were not found ⚠)."""

    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class DangerSource(models.TextChoices):
    """`DANGER_SRC` 来源."""

    SELF = "self", _("企业自查")
    INSPECTION = "inspection", _("监管检查")
    MONITORING = "monitoring", _("在线监测预警")
    GRID = "grid", _("网格巡查")
    REPORT = "report", _("举报")


class ManageType(models.TextChoices):
    """`DANGER_MANAGE_TYPE` 治理类型."""

    IMMEDIATE = "immediate", _("即查即改")
    DEADLINE = "deadline", _("限期整改")


class DangerCategory(models.TextChoices):
    """`HAZARD_DANGER_TYPE` 专业分类 (a common grouping; no national code list ⚠)."""

    MANAGEMENT = "management", _("安全管理")
    EQUIPMENT = "equipment", _("设备设施")
    PROCESS = "process", _("工艺")
    ELECTRICAL = "electrical", _("电气")
    FIRE = "fire", _("消防")
    CHEMICALS = "chemicals", _("危险化学品储存使用")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    WORKPLACE = "workplace", _("作业场所")
    OCCUPATIONAL = "occupational", _("职业卫生")
    OTHER = "other", _("其他")


class DangerState(models.TextChoices):
    """`DANGER_STATE`: the recommended loop of reference §6.3 (no official codes ⚠)."""

    REGISTERED = "registered", _("已登记")
    GRADED = "graded", _("已定级")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING = "awaiting", _("待验收")
    ACCEPTED = "accepted", _("验收通过")
    CLOSED = "closed", _("已销号")


# Not yet rectified and accepted: what is still a danger on site.
OPEN_STATES = (DangerState.REGISTERED, DangerState.GRADED, DangerState.RECTIFYING,
               DangerState.AWAITING)
# Where a deadline can be missed: rectification not yet handed in for acceptance.
UNRECTIFIED_STATES = (DangerState.REGISTERED, DangerState.GRADED, DangerState.RECTIFYING)


class Supervision(models.TextChoices):
    """挂牌督办 of a major hidden danger by the supervising department."""

    NONE = "none", _("未督办")
    SUPERVISED = "supervised", _("挂牌督办中")
    LIFTED = "lifted", _("已摘牌")


class Handover(models.TextChoices):
    """移送网格: a danger handed to the grid of its place (移送 → 处理 → 办结反馈 → 清零)."""

    NONE = "none", _("未移送")
    TRANSFERRED = "transferred", _("已移送网格")
    HANDLING = "handling", _("网格处理中")
    FED_BACK = "fed_back", _("已办结反馈")
    CLEARED = "cleared", _("已清零")


class Tone(models.IntegerChoices):
    """The map colour of a danger, from its grade and state (layer `hidden_dangers`)."""

    MAJOR_OPEN = 1, _("重大隐患（未验收）")
    GENERAL_OPEN = 2, _("一般隐患（未验收）")
    UNGRADED = 3, _("待定级")
    DONE = 4, _("已验收或销号")


def tone_of(level: str, state: str) -> int:
    """Red a major danger not yet accepted, orange a general one, yellow one not yet
    graded, blue one accepted or closed."""
    if state in (DangerState.ACCEPTED, DangerState.CLOSED):
        return Tone.DONE
    if state == DangerState.REGISTERED or not level:
        return Tone.UNGRADED
    return Tone.MAJOR_OPEN if level == DangerLevel.MAJOR else Tone.GENERAL_OPEN


class HiddenDanger(Owned):
    """事故隐患: one found on an enterprise's site, and how it is being removed."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="hidden_dangers", verbose_name=_("企业"))
    name = models.CharField(_("隐患名称"), max_length=200)                   # DANGER_NAME
    level = models.CharField(_("隐患等级"), max_length=8, choices=DangerLevel.choices,
                             blank=True, db_index=True)                     # DANGER_LEVEL
    state = models.CharField(_("状态"), max_length=12, choices=DangerState.choices,
                             default=DangerState.REGISTERED, editable=False,
                             db_index=True)                                 # DANGER_STATE
    tone = models.PositiveSmallIntegerField(_("图面颜色"), choices=Tone.choices,
                                            default=Tone.UNGRADED, editable=False)
    source = models.CharField(_("隐患来源"), max_length=12, choices=DangerSource.choices,
                              default=DangerSource.SELF)                    # DANGER_SRC
    manage_type = models.CharField(_("治理类型"), max_length=10, choices=ManageType.choices,
                                   blank=True)                         # DANGER_MANAGE_TYPE
    category = models.CharField(_("专业分类"), max_length=20, choices=DangerCategory.choices,
                                default=DangerCategory.OTHER)       # HAZARD_DANGER_TYPE
    description = models.TextField(_("隐患描述"))                             # DANGER_DESC
    cause = models.TextField(_("产生原因"), blank=True)                       # DANGER_REASON
    control_measures = models.TextField(_("整改措施"), blank=True)         # CONTROL_MEASURES
    cost = models.DecimalField(_("整改资金（元）"), max_digits=14, decimal_places=2,
                               null=True, blank=True)                       # COST
    liable_person = models.CharField(_("整改责任人"), max_length=50, blank=True)  # LIABLE_PERSON
    deadline = models.DateField(_("整改期限"), null=True, blank=True,
                                db_index=True)                  # DANGER_MANAGE_DEADLINE
    registered_at = models.DateTimeField(_("登记时间"), editable=False)     # REGIST_TIME
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                      blank=True, related_name="+", editable=False,
                                      verbose_name=_("登记人"))             # REGISTRANT
    # 重大隐患: the report to the department (16号令 art. 14: 现状及原因 are the description
    # and cause above) and the governance plan's six parts (治理方案, reference §6.2).
    assessment = models.TextField(_("危害程度和整改难易程度分析"), blank=True)
    plan_goal = models.TextField(_("治理的目标和任务"), blank=True)
    plan_methods = models.TextField(_("采取的方法和措施"), blank=True)
    plan_funding = models.TextField(_("经费和物资的落实"), blank=True)
    plan_organisation = models.TextField(_("负责治理的机构和人员"), blank=True)
    plan_schedule = models.TextField(_("治理的时限和要求"), blank=True)
    plan_safety = models.TextField(_("安全措施和应急预案"), blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True,
                                        editable=False)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", editable=False,
                                    verbose_name=_("验收人"))      # CHECK_ACCEPT_PERSON
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True,
                                       editable=False)               # CHECK_ACCEPT_TIME
    acceptance_comment = models.TextField(_("验收意见"), blank=True,
                                          editable=False)         # CHECK_ACCEPT_COMMENT
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    supervision = models.CharField(_("挂牌督办"), max_length=12, choices=Supervision.choices,
                                   default=Supervision.NONE, editable=False)
    supervision_deadline = models.DateField(_("督办期限"), null=True, blank=True,
                                            editable=False)
    supervised_by = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True,
                                      blank=True, related_name="+", editable=False,
                                      verbose_name=_("督办单位"))
    supervision_note = models.TextField(_("督办要求"), blank=True, editable=False)
    handover = models.CharField(_("网格移送"), max_length=12, choices=Handover.choices,
                                default=Handover.NONE, editable=False)
    handover_cell = models.ForeignKey("geo.GridCell", models.SET_NULL, null=True, blank=True,
                                      related_name="+", editable=False,
                                      verbose_name=_("移送网格"))
    handover_at = models.DateTimeField(_("移送时间"), null=True, blank=True, editable=False)
    handover_feedback = models.TextField(_("网格办结反馈"), blank=True, editable=False)
    # Links of the one chain (warning → hidden danger → inspection → case) by string.
    warning = models.ForeignKey("monitoring.EarlyWarning", models.SET_NULL, null=True,
                                blank=True, related_name="+", editable=False,
                                verbose_name=_("来源预警"))
    # The check record (排查记录, `RECORD_ID`) whose finding this danger is.
    check_record = models.ForeignKey("enforcement.CheckRecord", models.SET_NULL, null=True,
                                     blank=True, related_name="dangers", editable=False,
                                     verbose_name=_("排查记录"))
    # The risk point (风险分析对象, `HAZARD_CODE`) of the risk slice, made a foreign key when
    # `enforcement.RiskPoint` exists; the column keeps its name.
    risk_point_id = models.BigIntegerField(_("风险点"), null=True, blank=True, editable=False)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-registered_at", "-pk"]
        indexes = [models.Index(fields=["division_code", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_major(self) -> bool:
        return self.level == DangerLevel.MAJOR


class Stage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class HiddenDangerPhoto(models.Model):
    """A photo before or after rectification, checked by `geo.uploads` before storing."""

    danger = models.ForeignKey(HiddenDanger, models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices)
    image = models.FileField(_("照片"), upload_to="dangers/%Y/%m/")
    uploaded = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["danger_id", "stage", "pk"]


class HiddenDangerStep(models.Model):
    """One step of the loop (处理过程): who did what, when, and why."""

    danger = models.ForeignKey(HiddenDanger, models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=16)
    state = models.CharField(_("操作后状态"), max_length=12, choices=DangerState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("意见或原因"), blank=True)

    class Meta:
        ordering = ["danger_id", "at", "pk"]
