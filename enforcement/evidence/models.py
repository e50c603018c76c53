"""Evidence (证据): photos, audio and video recorded on site, each with where and when, in
an append-only, hash-chained log. An entry's hash covers the previous entry's hash, the
file's SHA-256 and the entry's metadata, so a changed file, an edited row or a missing
row shows when the chain is walked (`manage.py evidence_verify`). The table's trigger
refuses UPDATE and DELETE for every client of the database (migration 0003)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("录像")


class EvidenceQuerySet(models.QuerySet):
    """The log only grows: bulk updates and deletes are refused here too."""

    def update(self, **kwargs):
        raise PermissionError("the evidence log is append-only")

    def delete(self):
        raise PermissionError("the evidence log is append-only")


class EvidenceEntry(Placed):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    kind = models.CharField(_("证据类型"), max_length=8, choices=EvidenceKind.choices)
    source_type = models.ForeignKey("contenttypes.ContentType", models.PROTECT,
                                    related_name="+", verbose_name=_("所属类型"))
    source_id = models.PositiveBigIntegerField(_("所属对象编号"))
    source = GenericForeignKey("source_type", "source_id")
    file = models.FileField(_("文件"), upload_to="enforcement/evidence/%Y/")
    name = models.CharField(_("原文件名"), max_length=200, blank=True)
    media_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("拍摄（录制）时间"), null=True, blank=True)
    location = models.PointField(_("拍摄位置"), srid=4326, null=True, blank=True)
    accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    # No database constraint and no cascade: the log outlives a deleted account.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.DO_NOTHING,
                                    db_constraint=False, related_name="+",
                                    verbose_name=_("登记人"))
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["seq"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="enf_evidence_source")]

    def __str__(self) -> str:
        return f"{self.seq} {self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the evidence log is append-only")
        super().save(*args, **kwargs)
