"""The alarm list's GET filters (报警筛选): a form that reads the query string and names the
field of every value it refuses, turned into `selectors.AlarmFilters`."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from monitoring.alarms.models import ALARM_LEVEL_LABELS, AlarmKind, AlarmStatus
from monitoring.alarms.selectors import AlarmFilters

ALL = [("", _("全部"))]
OPEN_CHOICES = [("", _("全部")), ("open", _("未关闭")), ("closed", _("已关闭"))]


class AlarmFilterForm(forms.Form):
    status = forms.MultipleChoiceField(label=_("处置状态"), required=False,
                                       choices=AlarmStatus.choices)
    level = forms.TypedChoiceField(label=_("报警等级"), required=False, coerce=int,
                                   empty_value=None,
                                   choices=ALL + [(n, f"{n} {t}") for n, t in ALARM_LEVEL_LABELS])
    kind = forms.ChoiceField(label=_("报警类型"), required=False, choices=ALL + AlarmKind.choices)
    enterprise = forms.TypedChoiceField(label=_("企业"), required=False, coerce=int,
                                        empty_value=None, choices=ALL)
    open = forms.ChoiceField(label=_("是否关闭"), required=False, choices=OPEN_CHOICES)
    start = forms.DateField(label=_("报警日期自"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("至"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: QueryDict, *, enterprises: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["enterprise"].choices = ALL + enterprises

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


def filters_from(query: QueryDict, *, enterprises: list[tuple[int, str]]
                 ) -> tuple[AlarmFilters, AlarmFilterForm]:
    """The filters of the query string; a refused value is left out (and named)."""
    form = AlarmFilterForm(query, enterprises=enterprises)
    form.is_valid()
    data = form.cleaned_data
    open_value = data.get("open") or ""
    return AlarmFilters(
        statuses=tuple(data.get("status") or ()), level=data.get("level"),
        kind=data.get("kind") or "", enterprise_id=data.get("enterprise"),
        open={"open": True, "closed": False}.get(open_value),
        start=data.get("start"), end=data.get("end")), form
