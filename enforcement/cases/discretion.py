"""Discretion (自由裁量): a decided fine lies within the benchmark's range for the case's
violation, circumstance and kind of party. The ranges are data (`DiscretionRange`); this is
the one check of a fine against them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enforcement.cases.models import Case, DiscretionRange, PenaltyKind


def penalty_range(case: Case) -> DiscretionRange | None:
    if case.violation_id is None or not case.circumstance:
        return None
    return DiscretionRange.objects.filter(violation_id=case.violation_id,
                                       circumstance=case.circumstance,
                                       party_kind=case.party_kind).first()


def fine_check(case: Case) -> None:
    """Refuse a decision whose penalty does not follow the benchmark, naming the field."""
    errors: dict[str, str] = {}
    if case.violation_id is None:
        errors["violation"] = _("请选择违法行为")
    if not case.circumstance:
        errors["circumstance"] = _("请选择违法情节")
    if not case.penalties:
        errors["penalties"] = _("请选择处罚种类")
    fined = PenaltyKind.FINE in case.penalties
    if fined and (case.fine is None or case.fine <= 0):
        errors["fine"] = _("处以罚款的须填写罚款金额")
    elif not fined and case.fine:
        errors["fine"] = _("未选择罚款的不能填写罚款金额")
    if errors:
        raise ValidationError(errors)
    if not fined:
        return
    band = penalty_range(case)
    if band is None:
        raise ValidationError({"circumstance": _("该违法行为在此情节下没有裁量基准")})
    if not band.fine_min <= case.fine <= band.fine_max:
        raise ValidationError({"fine": _(
            "罚款金额%(fine)s元不在裁量幅度%(low)s元至%(high)s元之内") % {
            "fine": _yuan(case.fine), "low": _yuan(band.fine_min),
            "high": _yuan(band.fine_max)}})


def _yuan(amount: Decimal) -> str:
    return f"{amount.normalize():f}" if amount == amount.to_integral() else f"{amount:.2f}"
