"""What the operation page was asked (系统运行监测的查询条件): level, division prefix, local
days, and the outage log's filters, checked by a form; a bad value falls back to its
default and shows as the form's error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.scope import Scope
from monitoring.operation.models import OutageCause
from monitoring.operation.rates import LEVELS
from monitoring.operation.selectors import OutageFilter

LEVEL_LABELS = {"province": _("省"), "city": _("市"), "county": _("县（区）"),
                "enterprise": _("企业")}
DEFAULT_DAYS = 7
MAX_DAYS = 92  # the outage log keeps at least a month; a quarter at most per query


class OperationForm(forms.Form):
    level = forms.ChoiceField(label=_("统计层级"), required=False,
                              choices=list(LEVEL_LABELS.items()))
    within = forms.RegexField(label=_("区划代码前缀"), regex=r"^\d{2,12}$", required=False)
    start = forms.DateField(label=_("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    cause = forms.ChoiceField(label=_("异常原因"), required=False,
                              choices=[("", _("全部"))] + list(OutageCause.choices))
    gateway = forms.CharField(label=_("网关"), required=False, max_length=64)
    open = forms.BooleanField(label=_("仅未恢复"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("end", _("统计区间不能超过 %(d)d 天") % {"d": MAX_DAYS})
        return data


@dataclass(frozen=True)
class OperationQuery:
    level: str
    within: str
    top: str
    start: date
    end: date   # inclusive
    log: OutageFilter


def operation_query(params, *, scope: Scope, levels: list[str],
                    today: date) -> tuple[OperationQuery, OperationForm]:
    form = OperationForm(params)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    top = scope.prefix or ""
    within = data.get("within") or top
    if not within.startswith(top):
        within = top
    level = data.get("level") if data.get("level") in levels else _below(within, levels)
    digits = LEVELS[level]
    if digits is not None and digits < len(within):
        within = within[:digits]
    end = data.get("end") or today
    start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
    if "end" in form.errors:
        start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
    zone = timezone.get_current_timezone()
    log = OutageFilter(datetime.combine(start, time.min, zone),
                       datetime.combine(end + timedelta(days=1), time.min, zone),
                       cause=data.get("cause") or "", gateway=data.get("gateway") or "",
                       within=within, open_only=bool(data.get("open")))
    return OperationQuery(level, within, top, start, end, log), form


def _below(within: str, levels: list[str]) -> str:
    return next((n for n in levels if LEVELS[n] is None or LEVELS[n] > len(within)),
                "enterprise")


def child_level(level: str) -> str | None:
    names = list(LEVELS)
    return names[names.index(level) + 1] if level != "enterprise" else None
