"""Upstream exchange with provincial platforms (省级平台数据对接): who receives what, what
waits to be sent, and how far each peer has acknowledged. ADR 0022."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdapterKind(models.TextChoices):
    TCP = "tcp", _("TCP（分隔符 + 加密）")
    HTTP = "http", _("HTTP")
    KAFKA = "kafka", _("Kafka（每表一个主题）")


class Encryption(models.TextChoices):
    AES = "aes-256-gcm", _("AES-256-GCM")
    SM4 = "sm4-cbc", _("SM4-CBC（国密）")


class Platform(models.Model):
    """One provincial platform (省级平台) and what it takes from us: the tables, our fields
    mapped to theirs (data, `config.py` checks it), the cipher and the endpoint."""

    code = models.SlugField(_("平台编码"), max_length=32, unique=True)
    name = models.CharField(_("平台名称"), max_length=100)
    area = models.CharField(_("报送区划代码前缀"), max_length=12,
                            help_text=_("只报送区划代码以此开头的数据"))
    kind = models.CharField(_("对接方式"), max_length=8, choices=AdapterKind.choices)
    endpoint = models.CharField(_("对端地址"), max_length=300,
                                help_text=_("TCP：主机:端口；HTTP：URL；Kafka：引导服务器"))
    sender = models.CharField(_("本平台标识"), max_length=64,
                              help_text=_("对端分配给本平台的接入标识，加密时作为附加认证数据"))
    encryption = models.CharField(_("加密算法"), max_length=12, choices=Encryption.choices)
    key = models.CharField(_("密钥"), max_length=200,
                           help_text=_("十六进制，或以 base64: 开头"))
    delimiter = models.CharField(_("报文分隔符"), max_length=8, default="\\n",
                                 help_text=_("TCP 报文结束符，可用 \\n、\\r\\n 等转义"))
    tables = models.JSONField(_("报送表与字段映射"), default=dict)
    batch_size = models.PositiveIntegerField(_("每批条数"), default=200)
    timeout = models.FloatField(_("超时（秒）"), default=10.0)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("省级对接平台")
        verbose_name_plural = _("省级对接平台")

    def __str__(self) -> str:
        return self.name


class OutboxRow(models.Model):
    """A row waiting for a platform (待报送数据): our fields as they were when it was put
    in the outbox (a resend sends the same bytes), under a stable id the peer dedupes on.
    `seq` orders a platform's rows; one writer fills it (the job, under a lock)."""

    seq = models.BigAutoField(primary_key=True)
    platform = models.ForeignKey(Platform, models.CASCADE, related_name="outbox")
    table = models.CharField(_("表"), max_length=32)
    stable_id = models.CharField(_("数据标识"), max_length=100)
    payload = models.JSONField(_("内容"))
    created = models.DateTimeField(_("入队时间"))

    class Meta:
        verbose_name = _("待报送数据")
        verbose_name_plural = _("待报送数据")
        constraints = [models.UniqueConstraint(fields=["platform", "table", "stable_id"],
                                               name="outbox_once_per_row")]
        indexes = [models.Index(fields=["platform", "table", "seq"], name="outbox_next")]


class Cursor(models.Model):
    """How far a platform acknowledged one table (报送进度): every outbox row up to
    `acked_seq` was acknowledged; sending resumes after it."""

    platform = models.ForeignKey(Platform, models.CASCADE, related_name="cursors")
    table = models.CharField(_("表"), max_length=32)
    acked_seq = models.BigIntegerField(_("已确认序号"), default=0)
    acked_at = models.DateTimeField(_("最近确认时间"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True)
    error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报送进度")
        verbose_name_plural = _("报送进度")
        constraints = [models.UniqueConstraint(fields=["platform", "table"],
                                               name="cursor_once_per_table")]
