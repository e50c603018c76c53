"""The reports page's two forms: which kept reports to list, and a report to ask for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.reports.models import ReportKind, ReportState
from monitoring.reports.selectors import Subject


class ReportFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), required=False,
                             choices=[("", _("全部"))] + ReportKind.choices)
    subject = forms.CharField(label=_("报告对象"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部"))] + ReportState.choices)
    start = forms.DateField(label=_("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    subject = forms.ChoiceField(label=_("报告对象"))
    day = forms.DateField(label=_("统计日期"), help_text=_("周报、月报为该日所在的周或月"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, subjects: list[Subject], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.key, s.name) for s in subjects]
