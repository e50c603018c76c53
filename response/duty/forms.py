"""Forms of duty pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.models import User
from response.duty.models import LogKind, Rotation, ShiftPattern

_DATE = forms.DateInput(attrs={"type": "date"})
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RosterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), widget=_DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=_DATE)
    pattern = forms.ChoiceField(label=_("班次"), choices=ShiftPattern.choices)
    rotation = forms.ChoiceField(label=_("轮换"), choices=Rotation.choices)
    day_starts = forms.TimeField(label=_("白班开始"), widget=_TIME, initial="08:30")
    night_starts = forms.TimeField(label=_("夜班开始"), widget=_TIME, initial="17:30")
    phone = forms.CharField(label=_("值班电话"), max_length=30, required=False)
    leaders = forms.ModelMultipleChoiceField(label=_("带班领导（按轮换顺序）"),
                                             queryset=User.objects.none())
    officers = forms.ModelMultipleChoiceField(label=_("值班员（按轮换顺序）"),
                                              queryset=User.objects.none())

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = self.fields["officers"].queryset = staff

    def ordered(self, name: str) -> list[User]:
        """The chosen people in the order they were listed (the rotation's order)."""
        ids = [int(v) for v in self.data.getlist(name) if str(v).isdigit()]
        chosen = {u.pk: u for u in self.cleaned_data[name]}
        return [chosen[i] for i in ids if i in chosen]


class SwapForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=[("leader", ""), ("officer", "")],
                             widget=forms.HiddenInput)
    to_user = forms.IntegerField(label=_("替班人"))
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)


class LogForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=LogKind.choices)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    incident = forms.IntegerField(label=_("关联事件编号"), required=False, min_value=1)
