"""Notices (通知公告) and their read receipts (阅读回执)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Placed


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")


class Notice(Placed):
    """A notice of one department (its `organisation`, the owner that writes and submits
    it) issued in its area (`division_code`, what `geo.scope` and `geo.authority` read),
    addressed to `areas` (division-code prefixes; a reader inside one of them receives it)
    and to `roles` (empty: every role); `public` ones show to visitors too."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    organisation = models.ForeignKey("geo.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("发布单位"))
    author = models.ForeignKey("geo.User", models.PROTECT, related_name="+",
                               verbose_name=_("撰写人"))
    areas = ArrayField(models.CharField(max_length=12), verbose_name=_("发布范围"))
    roles = ArrayField(models.CharField(max_length=30), verbose_name=_("接收角色"),
                       default=list, blank=True)
    public = models.BooleanField(_("向公众公开"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices,
                             default=NoticeState.DRAFT, db_index=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey("geo.User", models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审核人"))
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]
        indexes = [GinIndex(fields=["areas"], name="notice_areas_gin")]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """Who read a notice, and when: one row per reader, the first opening."""

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="receipts",
                               verbose_name=_("通知公告"))
    user = models.ForeignKey("geo.User", models.CASCADE, related_name="+",
                             verbose_name=_("阅读人"))
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="notice_receipt_once")]
