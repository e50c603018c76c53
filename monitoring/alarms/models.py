"""Alarms, graded warnings and their noise control (报警、分级预警、降噪).

A reading crosses a rule (`rules`, a versioned rule set per area) → an `Alarm` (one open
per key: sensor and kind, unit and combination, gateway) → the grading matrix gives it an
`EarlyWarning` of level 红/橙/黄/蓝 (1–4) → its `WarningRecipient`s, found by place, are told
and reminded until the alarm is released. The alarm's life: raised → pushed → acknowledged
(企业签收) → handled (处置反馈, photos) → released when the supervising department confirms
(政府确认后解除), or returned for more handling; `AlarmStep` times every step. Approved
`Suppression`s (检修维护, 白名单) keep an alarm on record but silent.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.places import Owned


class RuleSet(models.Model):
    """A version of the alarm and warning rules (报警与预警规则) for an area: a division
    code prefix ("" = everywhere). The newest version of the longest matching prefix
    applies; versions are never edited, a change is a new version (`rules.py`)."""

    area = models.CharField(_("适用区划代码前缀"), max_length=12, blank=True)
    version = models.PositiveIntegerField(_("版本"))
    rules = models.JSONField(_("规则"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("报警规则集")
        verbose_name_plural = _("报警规则集")
        constraints = [models.UniqueConstraint(fields=["area", "version"],
                                               name="ruleset_version_per_area")]

    def __str__(self) -> str:
        return f"{self.area or '*'} v{self.version}"


class SensorRuleState(models.Model):
    """What the engine carries from one batch to the next for a sensor (engine.State):
    hysteresis bands (bits HH 1, H 2, L 4, LL 8), runs' starts and raised levels, and the
    last evaluated reading. Times are epoch seconds."""

    sensor = models.OneToOneField("monitoring.Sensor", models.CASCADE, primary_key=True,
                                  related_name="+")
    bands = models.PositiveSmallIntegerField(default=0)
    cond_since = models.FloatField(null=True)
    raised = models.SmallIntegerField(default=0)
    rate_since = models.FloatField(null=True)
    rate_raised = models.BooleanField(default=False)
    flat_since = models.FloatField(null=True)
    flat_raised = models.BooleanField(default=False)
    prev_t = models.FloatField(null=True)
    prev_v = models.FloatField(null=True)


class AlarmKind(models.TextChoices):
    THRESHOLD = "threshold", _("超限报警")
    RATE = "rate", _("变化速率异常")
    FLATLINE = "flatline", _("数据长时间不变")
    NO_DATA = "no_data", _("无有效数据")
    OFFLINE = "offline", _("网关离线")
    COMBINATION = "combination", _("多点关联报警")


class AlarmStatus(models.TextChoices):
    RAISED = "raised", _("已产生")
    PUSHED = "pushed", _("已推送")
    ACKNOWLEDGED = "acknowledged", _("企业已签收")
    HANDLED = "handled", _("已处置待确认")
    RETURNED = "returned", _("退回重新处置")
    RELEASED = "released", _("已解除")
    SUPPRESSED = "suppressed", _("已屏蔽")


# Alarm levels: 1 HH / LL and combinations (red on the map), 2 H / L (orange), 3 rate and
# flat line (yellow), 4 no data and offline (blue).
ALARM_LEVEL_LABELS = [(1, _("高高报 / 低低报 / 关联报警")), (2, _("高报 / 低报")),
                      (3, _("速率异常 / 数据不变")), (4, _("无数据 / 离线"))]
OPEN = Q(cleared_at__isnull=True)


class Alarm(Owned):
    """An alarm (报警): one per `key` while its condition lasts (de-duplication); a key that
    clears and comes back within the rule set's flap window reopens the same alarm."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="alarms", verbose_name=_("企业"))
    key = models.CharField(_("报警键"), max_length=200)
    kind = models.CharField(_("报警类型"), max_length=12, choices=AlarmKind.choices)
    level = models.PositiveSmallIntegerField(_("报警等级"), choices=ALARM_LEVEL_LABELS)
    direction = models.CharField(_("方向"), max_length=4, blank=True)  # high / low
    sensor = models.ForeignKey("monitoring.Sensor", models.CASCADE, null=True, blank=True,
                               related_name="alarms", verbose_name=_("监测点位"))
    unit = models.ForeignKey("monitoring.MonitoredUnit", models.SET_NULL, null=True,
                             blank=True, related_name="alarms", verbose_name=_("监测单元"))
    hazard_source = models.ForeignKey("registry.HazardSource", models.SET_NULL, null=True,
                                      blank=True, related_name="alarms",
                                      verbose_name=_("重大危险源"))
    gateway = models.CharField(_("网关编码"), max_length=64, blank=True)
    title = models.CharField(_("报警内容"), max_length=300)
    value = models.FloatField(_("报警值"), null=True, blank=True)
    peak = models.FloatField(_("极值"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    rules_version = models.CharField(_("规则版本"), max_length=24)
    raised_at = models.DateTimeField(_("报警时间"), db_index=True)
    received_at = models.DateTimeField(_("接收时间"))
    cleared_at = models.DateTimeField(_("恢复正常时间"), null=True, blank=True)
    flaps = models.PositiveIntegerField(_("反复次数"), default=0)
    status = models.CharField(_("处置状态"), max_length=12, choices=AlarmStatus.choices,
                              default=AlarmStatus.RAISED, db_index=True)
    suppressed_by = models.ForeignKey("monitoring.Suppression", models.SET_NULL, null=True,
                                      blank=True, related_name="alarms",
                                      verbose_name=_("屏蔽依据"))
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        blank=True, related_name="+",
                                        verbose_name=_("签收人"))
    handled_at = models.DateTimeField(_("处置反馈时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("处置人"))
    feedback = models.TextField(_("处置情况"), blank=True)
    false_alarm = models.BooleanField(_("误报"), default=False)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("确认解除人"))
    return_reason = models.TextField(_("退回原因"), blank=True)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=OPEN,
                                               name="alarm_one_open_per_key")]
        indexes = [models.Index(fields=["key", "-cleared_at"], name="alarm_key_cleared")]

    def __str__(self) -> str:
        return self.title


class AlarmPhoto(models.Model):
    """A photo of the handling (处置照片), checked by `geo.uploads` before it is stored."""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="alarms/%Y/%m/")
    uploaded = models.DateTimeField(_("上传时间"), auto_now_add=True)


class Step(models.TextChoices):
    RAISED = "raised", _("产生")
    PUSHED = "pushed", _("推送")
    REMINDED = "reminded", _("提醒")
    ESCALATED = "escalated", _("升级上报")
    UPGRADED = "upgraded", _("预警升级")
    ACKNOWLEDGED = "acknowledged", _("签收")
    HANDLED = "handled", _("处置反馈")
    RETURNED = "returned", _("退回")
    RELEASED = "released", _("解除")
    CLEARED = "cleared", _("数据恢复正常")
    REOPENED = "reopened", _("再次报警")
    SUPPRESSED = "suppressed", _("屏蔽")


class AlarmStep(models.Model):
    """The alarm's timeline (处置过程): who did what when."""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=12, choices=Step.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class WarningLevel(models.IntegerChoices):
    RED = 1, _("红色预警（重大）")
    ORANGE = 2, _("橙色预警（较大）")
    YELLOW = 3, _("黄色预警（一般）")
    BLUE = 4, _("蓝色预警（低）")


class EarlyWarning(Owned):
    """A graded warning (分级预警) of one alarm: its level from the grading matrix (it may
    rise while the alarm lasts, never fall), pushed by the level's strategy and escalated
    one tier up when nobody acknowledges it in time; closed when the alarm is released."""

    alarm = models.OneToOneField(Alarm, models.CASCADE, related_name="warning",
                                 verbose_name=_("报警"))
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="warnings", verbose_name=_("企业"))
    hazard_source = models.ForeignKey("registry.HazardSource", models.SET_NULL, null=True,
                                      blank=True, related_name="warnings",
                                      verbose_name=_("重大危险源"))
    level = models.PositiveSmallIntegerField(_("预警等级"), choices=WarningLevel.choices,
                                             db_index=True)
    title = models.CharField(_("预警内容"), max_length=300)
    reason = models.CharField(_("定级依据"), max_length=300)
    rules_version = models.CharField(_("规则版本"), max_length=24)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    upgraded_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(_("已推送层级"), default=0)
    pushes = models.PositiveIntegerField(_("推送次数"), default=0)
    last_pushed_at = models.DateTimeField(_("最近推送时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级上报时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    geom = models.PointField(_("位置"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["level", "-raised_at"]

    def __str__(self) -> str:
        return self.title


class WarningRecipient(models.Model):
    """Who a warning reached (by place and tier), and when last."""

    warning = models.ForeignKey(EarlyWarning, models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    tier = models.PositiveSmallIntegerField(_("层级"))
    first_at = models.DateTimeField(_("首次推送"))
    last_at = models.DateTimeField(_("最近推送"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warning", "user"],
                                               name="recipient_once_per_warning")]


class SuppressionKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("检修维护")
    WHITELIST = "whitelist", _("白名单")


class SuppressionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class Suppression(Owned):
    """A maintenance window (检修维护时段) or whitelist entry (白名单) filed by the enterprise
    and approved by its supervisor: alarms of its sensors in its time are kept, marked
    suppressed, and neither graded nor pushed."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="alarm_suppressions", verbose_name=_("企业"))
    kind = models.CharField(_("类型"), max_length=12, choices=SuppressionKind.choices)
    sensors = models.ManyToManyField("monitoring.Sensor", related_name="suppressions",
                                     verbose_name=_("监测点位"))
    alarm_kinds = models.JSONField(_("报警类型"), default=list, blank=True,
                                   help_text=_("留空表示全部类型"))
    starts = models.DateTimeField(_("开始时间"))
    ends = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("理由"))
    state = models.CharField(_("状态"), max_length=10, choices=SuppressionState.choices,
                             default=SuppressionState.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("审批人"))
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("报警屏蔽")
        verbose_name_plural = _("报警屏蔽")
        ordering = ["-starts"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts:%Y-%m-%d %H:%M}"


class AlertPreference(models.Model):
    """A user's channels for warnings (预警接收设置): the inbox always; SMS and e-mail for
    warnings up to the chosen level (red cannot be turned off by SMS)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True,
                                related_name="alert_preference")
    sms_up_to = models.PositiveSmallIntegerField(_("短信接收至"), choices=WarningLevel.choices,
                                                 default=WarningLevel.BLUE)
    email_up_to = models.PositiveSmallIntegerField(_("邮件接收至"),
                                                   choices=WarningLevel.choices,
                                                   default=WarningLevel.BLUE)
