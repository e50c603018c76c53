"""Writes of the daily commitment: an enterprise files its card for today, through the write
gate (`geo.authority.owns`), audited (`geo.Audited`), once (a filed card is not corrected),
and the day's mismatch check runs at once."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from monitoring.commitments.deadline import local_day
from monitoring.commitments.mismatch import commitments_mismatch_flag
from monitoring.commitments.models import COUNT_FIELDS, FLAG_FIELDS, Commitment

__all__ = ["commitment_file", "commitments_mismatch_flag"]


def commitment_file(*, enterprise, user, now: datetime.datetime, card: dict,
                    principal: str, confirmed: bool) -> Commitment:
    """File `enterprise`'s card of today (local day of `now`). `card` holds the counts and
    yes/no answers (models.COUNT_FIELDS, FLAG_FIELDS); `principal` is the name of the
    enterprise's 主要负责人, who signs by `confirmed` (the pledge read and accepted)."""
    if not authority.owns(user, enterprise):
        raise PermissionDenied(_("只能为本企业填报安全承诺"))
    if not confirmed:
        raise ValidationError({"principal": _("须由主要负责人确认承诺内容")})
    day = local_day(now)
    if Commitment.objects.filter(enterprise=enterprise, day=day).exists():
        raise ValidationError(_("今日承诺已发布，不可更改"))
    row = Commitment(enterprise=enterprise, day=day, principal=principal.strip(),
                     filed_at=now, filed_by=user, division_code=enterprise.division_code,
                     organisation_id=enterprise.organisation_id,
                     **{f: card[f] for f in (*COUNT_FIELDS, *FLAG_FIELDS)})
    row.full_clean(exclude=["enterprise", "filed_by"])
    try:
        with transaction.atomic(), acting_as(user.pk):
            row.save()
            commitments_mismatch_flag(day=day, now=now)
    except IntegrityError as clash:  # filed twice at once: the constraint keeps one
        raise ValidationError(_("今日承诺已发布，不可更改")) from clash
    row.refresh_from_db(fields=["flagged_at"])
    return row
