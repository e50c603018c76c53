"""What the operation page was asked (系统运行监测的查询条件): level, division prefix, local
days, and the outage log's filters, checked by a form; a bad value falls back to its
default and shows as the form's error."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.regions import LEVEL_LABELS, RegionPeriod, RegionPeriodForm, child_level, region_period
from geo.scope import Scope
from monitoring.operation.models import OutageCause
from monitoring.operation.selectors import OutageFilter

__all__ = ["LEVEL_LABELS", "OperationQuery", "child_level", "operation_query"]

DEFAULT_DAYS = 7


class OperationForm(RegionPeriodForm):
    MAX_DAYS = 92  # the outage log keeps at least a month; a quarter at most per query
    cause = forms.ChoiceField(label=_("异常原因"), required=False,
                              choices=[("", _("全部"))] + list(OutageCause.choices))
    gateway = forms.CharField(label=_("网关"), required=False, max_length=64)
    open = forms.BooleanField(label=_("仅未恢复"), required=False)


@dataclass(frozen=True)
class OperationQuery(RegionPeriod):
    log: OutageFilter


def operation_query(params, *, scope: Scope, levels: list[str],
                    today) -> tuple[OperationQuery, OperationForm]:
    form = OperationForm(params)
    region, data = region_period(form, scope=scope, levels=levels, today=today,
                                 default_days=DEFAULT_DAYS)
    log = OutageFilter(*region.bounds(), cause=data.get("cause") or "",
                       gateway=data.get("gateway") or "", within=region.within,
                       open_only=bool(data.get("open")))
    return OperationQuery(region.level, region.within, region.top, region.start, region.end,
                          log), form
