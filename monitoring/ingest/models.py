"""What the ingest stores: readings (测点数据, a day-partitioned table) and data gaps.

`Reading` is not managed by Django: the table is partitioned by day and its partitions are
made ahead and dropped after the retention by pg_partman (migration 0002, ADR 0015). Its
key (gateway, seq, ts) makes a resent record a no-op: records keep their `seq` and `ts`
when the agent resends them, and the partition key must be in any unique key.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reading(models.Model):
    """One record of kind `reading` from a gateway's batch, valid or kept with a reason."""

    pk = models.CompositePrimaryKey("gateway", "seq", "ts")
    gateway = models.CharField(_("网关编码"), max_length=64)
    seq = models.BigIntegerField(_("序号"))
    ts = models.DateTimeField(_("采集时间"))
    sensor = models.ForeignKey("monitoring.Sensor", models.DO_NOTHING, db_constraint=False,
                               related_name="+", verbose_name=_("监测点位"))
    value = models.FloatField(_("数值"), null=True)
    raw = models.FloatField(_("原始值"), null=True)
    quality = models.CharField(_("数据质量"), max_length=10)
    valid = models.BooleanField(_("有效"))
    reason = models.CharField(_("原因"), max_length=64, blank=True)
    received = models.DateTimeField(_("接收时间"))

    class Meta:
        managed = False
        db_table = "monitoring_reading"
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")


class DataGap(models.Model):
    """Records an agent's journal dropped before it could send them (数据缺失): a
    `dropped` report, stored once however often the batch carrying it is resent."""

    gateway = models.CharField(_("网关编码"), max_length=64, db_index=True)
    before_seq = models.BigIntegerField(_("缺失截止序号"))
    count = models.PositiveIntegerField(_("缺失条数"))
    # the ingest's clock when the report came (its `now`, injectable in tests)
    reported = models.DateTimeField(_("报告时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("数据缺失")
        verbose_name_plural = _("数据缺失")
        constraints = [models.UniqueConstraint(fields=["gateway", "before_seq"],
                                               name="datagap_once_per_report")]


class SeenNonce(models.Model):
    """A message nonce within the replay window (protocol §4), kept in the database so
    that every ingest worker (MQTT and HTTPS) refuses a replay made to any other one; it
    is written in the transaction that stores the message."""

    nonce = models.CharField(_("随机数"), max_length=64, primary_key=True)
    gateway = models.CharField(_("网关编码"), max_length=64)
    seen = models.DateTimeField(_("收到时间"), db_index=True)

    class Meta:
        verbose_name = _("已用随机数")
        verbose_name_plural = _("已用随机数")


class RollupStep(models.TextChoices):
    MINUTE = "minute", _("分钟")
    HOUR = "hour", _("小时")


class ReadingRollup(models.Model):
    """Valid readings of a sensor summed per minute and per hour (曲线数据), kept by the
    ingest in the statement that stores the readings: only rows new to the readings table
    count, so a resent batch changes nothing. Mean = total / count."""

    sensor = models.ForeignKey("monitoring.Sensor", models.CASCADE, related_name="+",
                               verbose_name=_("监测点位"))
    step = models.CharField(_("粒度"), max_length=6, choices=RollupStep.choices)
    bucket = models.DateTimeField(_("时段起点"))
    count = models.PositiveIntegerField(_("条数"))
    total = models.FloatField(_("合计"))
    low = models.FloatField(_("最小值"))
    high = models.FloatField(_("最大值"))

    class Meta:
        verbose_name = _("监测数据汇总")
        verbose_name_plural = _("监测数据汇总")
        constraints = [models.UniqueConstraint(fields=["sensor", "step", "bucket"],
                                               name="rollup_once_per_bucket")]

    @property
    def mean(self) -> float:
        return self.total / self.count


class InvalidTally(models.Model):
    """Invalid readings of a sensor per hour and reason (无效数据计数), kept by the ingest in
    the statement that stores the readings (only rows new to the table count), so data-
    quality statistics never scan the readings' partitions."""

    sensor = models.ForeignKey("monitoring.Sensor", models.CASCADE, related_name="+",
                               verbose_name=_("监测点位"))
    bucket = models.DateTimeField(_("时段起点"))
    reason = models.CharField(_("原因"), max_length=64)
    count = models.PositiveIntegerField(_("条数"))

    class Meta:
        verbose_name = _("无效数据计数")
        verbose_name_plural = _("无效数据计数")
        constraints = [models.UniqueConstraint(fields=["sensor", "bucket", "reason"],
                                               name="invalidtally_once_per_bucket")]
        indexes = [models.Index(fields=["bucket"], name="invalidtally_bucket")]
