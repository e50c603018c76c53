"""The outage log (设备异常日志): one row per spell a gateway was not reporting, opened where
its `online` flag falls (the gateways_offline job) and closed where it rises again (the
ingest's heartbeat / batch path). Online rates are read from these rows."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutageCause(models.TextChoices):
    OFFLINE = "offline", _("离线")
    NO_DATA = "no_data", _("无数据")
    BAD_QUALITY = "bad_quality", _("数据质量差")


class Outage(models.Model):
    """One outage of a gateway: [started, ended), `ended` empty while it lasts. It starts
    when the gateway was last heard, not when the job noticed, so the log and the online
    rate count the silence itself. Read through the gateways layer's scope."""

    gateway = models.ForeignKey("monitoring.Gateway", models.CASCADE, to_field="code",
                                related_name="outages", verbose_name=_("网关"))
    cause = models.CharField(_("原因"), max_length=12, choices=OutageCause.choices)
    started = models.DateTimeField(_("开始时间"))
    ended = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("设备异常")
        verbose_name_plural = _("设备异常日志")
        ordering = ["-started", "gateway_id"]
        indexes = [models.Index(fields=["gateway", "started"], name="outage_gateway_started"),
                   models.Index(fields=["ended"], name="outage_ended")]
        constraints = [models.UniqueConstraint(
            fields=["gateway", "cause"], condition=Q(ended__isnull=True),
            name="outage_one_open_per_cause")]

    def __str__(self) -> str:
        return f"{self.gateway_id} {self.cause} {self.started:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        """How long it lasted (None while it is open)."""
        return None if self.ended is None else self.ended - self.started
