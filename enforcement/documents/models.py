"""Issued enforcement documents (执法文书) and their hand signatures (手写签名).

A document is filled once from its source object (an inspection, a case, an enterprise:
content type + id), numbered in the transaction that stores it, and kept with its DOCX and
locked PDF. It is read only by government users over its place (`division_code`, the
source's); the party sees it on paper (served with a 送达回执).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.documents.kinds import INSPECTOR, KINDS, PARTY
from geo.places import Placed


class EnforcementDocument(Placed):
    kind = models.CharField(_("文书种类"), max_length=40,
                            choices=[(k.key, k.name) for k in KINDS])
    number = models.CharField(_("文书编号"), max_length=80, blank=True, db_index=True)
    agency = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                               verbose_name=_("执法机关"))
    year = models.PositiveSmallIntegerField(_("年度"))
    line = models.CharField(_("业务类别代码"), max_length=12, blank=True)
    content = models.JSONField(_("文书内容"), default=dict)
    source_type = models.ForeignKey("contenttypes.ContentType", models.PROTECT,
                                    related_name="+", verbose_name=_("来源类型"))
    source_id = models.PositiveBigIntegerField(_("来源编号"))
    source = GenericForeignKey("source_type", "source_id")
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("签发人"))
    docx = models.FileField(_("DOCX 文件"), upload_to="enforcement/documents/%Y/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="enforcement/documents/%Y/", blank=True)

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="enf_doc_source")]
        constraints = [models.UniqueConstraint(
            fields=["agency", "kind", "year", "number"], condition=~Q(number=""),
            name="enf_doc_number_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class DocumentSignature(models.Model):
    """One hand signature on a document, drawn on a tablet: a checked PNG."""

    ROLES = [(INSPECTOR, _("执法人员")), (PARTY, _("当事人"))]
    document = models.ForeignKey(EnforcementDocument, models.CASCADE,
                                 related_name="signatures", verbose_name=_("文书"))
    role = models.CharField(_("签名人"), max_length=10, choices=ROLES)
    image = models.FileField(_("签名图片"), upload_to="enforcement/signatures/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("签名时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="+", verbose_name=_("记录人"))

    class Meta:
        verbose_name = _("文书签名")
        verbose_name_plural = _("文书签名")
        constraints = [models.UniqueConstraint(fields=["document", "role"],
                                               name="enf_doc_signed_once")]

    def __str__(self) -> str:
        return f"{self.document} {self.get_role_display()}"
