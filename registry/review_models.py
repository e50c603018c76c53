"""Edits of the one-enterprise file (一企一档) proposed by enterprise users and reviewed
by the supervising department (审核). Imported by `registry.models`.

An edit holds the proposed values and the values they replace (`base`, read when it was
submitted), both as JSON keyed by section (see `registry.enterprises.review`), so a
reviewer sees a diff and approving can detect what changed in the meantime.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class EnterpriseEdit(models.Model):
    """A proposed change to one enterprise's file (企业档案变更申请)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="edits",
                                   verbose_name=_("企业"))
    status = models.CharField(_("状态"), max_length=10, choices=EditStatus.choices,
                              default=EditStatus.SUBMITTED, db_index=True)
    proposed = models.JSONField(_("申请变更内容"), default=dict)
    base = models.JSONField(_("变更前内容"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("申请人"))
    submitted_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("企业档案变更申请")
        verbose_name_plural = _("企业档案变更申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["enterprise"], condition=models.Q(status="submitted"),
            name="enterprise_edit_one_pending")]

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.pk}"
