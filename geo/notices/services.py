"""Writes of notices: a department's draft (who may: `geo.authority`), its review
(`review.REVIEW`, `geo.workflow`), and read receipts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import Role, User
from geo.notices.models import Notice, NoticeReceipt

ROLE_VALUES = frozenset(Role.values)


def may_write_notices(user) -> bool:
    """A supervisor of a department: the department owns what they write."""
    return authority.is_supervisor(user) and user.organisation_id is not None \
        and user.division_id is not None


def notice_save(*, user: User, notice: Notice | None = None, title: str, body: str,
                areas: list[str], roles: list[str], public: bool) -> Notice:
    """Create a draft (notice None) or change one of the department's drafts. Every area
    must lie in the writer's jurisdiction; no areas means the writer's whole area."""
    if not may_write_notices(user):
        raise PermissionDenied(_("只有监管部门的人员可以撰写通知公告"))
    if notice is None:
        notice = Notice(organisation_id=user.organisation_id, author=user,
                        division_code=user.division_id)
    elif not authority.owns(user, notice) or notice.state not in {"draft", "returned"}:
        raise PermissionDenied(_("只能修改本单位的草稿或已退回的通知公告"))
    areas = sorted(set(areas)) or [user.division.prefix]
    if not all(authority.may_place(user, area) for area in areas):
        raise ValidationError({"areas": _("发布范围须在本人管辖区域内")})
    if not set(roles) <= ROLE_VALUES:
        raise ValidationError({"roles": _("接收角色无效")})
    notice.title, notice.body = title.strip(), body.strip()
    notice.areas, notice.roles, notice.public = areas, sorted(set(roles)), public
    notice.full_clean(exclude=["organisation", "author"])
    with acting_as(user.pk):
        notice.save()
    return notice


def notice_read(*, notice: Notice, user: User) -> bool:
    """Record that `user` opened the published notice; True the first time only. One
    statement: two tabs opening it at once still leave one receipt."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{NoticeReceipt._meta.db_table}" (notice_id, user_id, read_at)'
            " VALUES (%s, %s, now()) ON CONFLICT (notice_id, user_id) DO NOTHING",
            [notice.pk, user.pk])
        return cursor.rowcount == 1
