"""Review of a notice (通知公告审核发布), a `geo.workflow.Review`: draft → submitted →
published | returned (→ submitted again), or withdrawn back to draft before a decision.

The owner is the writing department (the notice's organisation); the decider, as in every
flow, is a supervisor over the notice's area outside that department — the level above
(a county's notice is published by the city or the province) or the system administrator.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from geo.notices.models import Notice, NoticeState
from geo.workflow import ACCEPT, RETURN, SUBMIT, WITHDRAW, Review


class NoticeReview(Review):
    model = Notice
    drafts = frozenset({NoticeState.DRAFT, NoticeState.RETURNED})
    submitted, accepted = NoticeState.SUBMITTED, NoticeState.PUBLISHED
    returned, withdrawn = NoticeState.RETURNED, NoticeState.DRAFT
    reason_field = "return_reason"
    verbs = {SUBMIT: gettext_lazy("提交审核"), ACCEPT: gettext_lazy("发布"),
             RETURN: gettext_lazy("退回"), WITHDRAW: gettext_lazy("撤回")}
    refusals = {"owner": gettext_lazy("只有撰写单位可以提交或撤回通知公告"),
                "decider": gettext_lazy("只有管辖发布范围的上级监管人员可以审核通知公告")}
    wrong_state = {SUBMIT: gettext_lazy("只有草稿或已退回的通知公告可以提交审核"),
                   ACCEPT: gettext_lazy("只有待审核的通知公告可以发布"),
                   RETURN: gettext_lazy("只有待审核的通知公告可以退回"),
                   WITHDRAW: gettext_lazy("只有待审核的通知公告可以撤回")}
    reason_required = gettext_lazy("请填写退回原因")

    def check(self, action: str, notice: Notice, user, reason: str) -> None:
        now = timezone.now()
        if action == SUBMIT:
            notice.submitted_at, notice.return_reason = now, ""
        elif action in (ACCEPT, RETURN):
            notice.decided_by = user
            notice.return_reason = reason if action == RETURN else ""
        if action == ACCEPT:
            notice.published_at = now

    def link(self, notice: Notice) -> str:
        return reverse("notices:detail", args=[notice.pk])

    def decider_organisation_id(self, notice: Notice) -> int | None:
        return notice.organisation.parent_id


REVIEW = NoticeReview()
