"""Forms of incident intake: the first report (事件接报) and a follow-up (续报)."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from response.incidents.classification import Level, kinds_by_category
from response.incidents.services import Report

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReportForm(forms.Form):
    level = forms.TypedChoiceField(label=_("事件等级"), choices=Level.choices, coerce=int)
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    injuries = forms.IntegerField(label=_("受伤人数"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("失踪人数"), min_value=0, initial=0)
    trapped = forms.IntegerField(label=_("被困人数"), min_value=0, initial=0)
    text = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 4}))
    reporter = forms.CharField(label=_("报告人"), max_length=100)

    def report(self) -> Report:
        d = self.cleaned_data
        return Report(level=d["level"], text=d["text"], reporter=d["reporter"],
                      deaths=d["deaths"], injuries=d["injuries"], missing=d["missing"],
                      trapped=d["trapped"])


class IntakeForm(ReportForm):
    title = forms.CharField(label=_("事件名称"), max_length=200)
    kind = forms.ChoiceField(label=_("事件类型"), choices=kinds_by_category)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=_LOCAL,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    address = forms.CharField(label=_("事发地点"), max_length=300, required=False)
    lon = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=30, required=False)
    reporter_unit = forms.CharField(label=_("报告单位"), max_length=200, required=False)

    field_order = ["title", "kind", "level", "occurred_at", "address", "lon", "lat",
                   "deaths", "injuries", "missing", "trapped", "text", "reporter",
                   "reporter_phone", "reporter_unit"]

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            self.add_error("lon", _("经度和纬度须同时填写"))
        return data

    def point(self) -> Point | None:
        d = self.cleaned_data
        return None if d.get("lon") is None else Point(d["lon"], d["lat"], srid=4326)
