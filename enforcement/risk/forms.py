"""Forms of the risk pages: a risk point (with its place as a picked point or a drawn
outline), one assessment form per method (the factor selects carry the criteria), a
measure, a control-log entry and a new rule-set version."""

from __future__ import annotations

import json

from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enforcement.risk import methods
from enforcement.risk.models import (
    CheckResult,
    ControlLevel,
    MeasureKind,
    RiskPoint,
    Stage,
)
from enforcement.risk.rules import LEC_VARIANTS, LS_VARIANTS
from registry.knowledge.selectors import AccidentType


class PointForm(forms.ModelForm):
    accident_types = forms.MultipleChoiceField(
        label=_("可能导致的事故类型"), choices=AccidentType.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    outline = forms.CharField(
        label=_("范围（GeoJSON多边形，可选）"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("在平面图上绘制的区域；填写后位置取区域内一点"))
    floor_plan = forms.TypedChoiceField(label=_("厂区平面图"), required=False, coerce=int,
                                        empty_value=None)

    class Meta:
        model = RiskPoint
        fields = ["name", "kind", "hazard_factors", "accident_types", "department",
                  "responsible", "responsible_phone"]
        widgets = {"hazard_factors": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plans=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["floor_plan"].choices = [("", "—"), *((p.pk, p.name) for p in plans)]

    def geometry(self) -> GEOSGeometry:
        """The outline if one was drawn, else the picked point."""
        text = self.cleaned_data.get("outline", "").strip()
        if text:
            return _geojson(text)
        return Point(self.cleaned_data["lon"], self.cleaned_data["lat"], srid=4326)


def _factor_choices(table) -> list[tuple[str, str]]:
    return [(methods.plain(v), f"{methods.plain(v)} — {text}") for v, text in table]


class AssessForm(forms.Form):
    """One method's factors; `method` picks the fields (LEC: L E C; LS: L S; MES: M E S
    and the exposure kind)."""

    stage = forms.ChoiceField(label=_("评价阶段"), choices=Stage.choices)
    reason = forms.CharField(label=_("调整原因"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, method: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        for name, table in methods.FACTORS[method].items():
            self.fields[name] = forms.ChoiceField(label=name, choices=_factor_choices(table))
        if method == methods.Method.MES:
            self.fields["E"].label = _("E（E1 人体暴露 / E2 危险状态出现）")
            self.fields["exposure"] = forms.ChoiceField(
                label=_("暴露类型"), choices=[("E1", _("E1 人体暴露（人身伤害、职业病）")),
                                           ("E2", _("E2 危险状态出现（财产损失、环境）"))])

    def factors(self) -> dict:
        names = [*methods.FACTORS[self.method], "exposure"]
        return {k: v for k, v in self.cleaned_data.items() if k in names}


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类别"), choices=MeasureKind.choices)
    text = forms.CharField(label=_("管控措施"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("责任人"), max_length=50, required=False)


class CheckForm(forms.Form):
    result = forms.ChoiceField(label=_("检查结果"), choices=CheckResult.choices)
    note = forms.CharField(label=_("说明"), required=False)


class ControlLevelForm(forms.Form):
    control_level = forms.ChoiceField(
        label=_("管控层级"), required=False,
        choices=[("", _("按风险等级（重大、较大→公司，一般→车间，低→班组）")),
                 *ControlLevel.choices])


class RulesForm(forms.Form):
    """A new version: the presets of the reference, or a whole document as JSON."""

    area = forms.CharField(label=_("适用区划代码前缀"), max_length=12, required=False)
    lec = forms.ChoiceField(label=_("LEC 分级"), choices=[
        ("A", _("A：D≥320 红，160≤D<320 橙，70≤D<160 黄，D<70 蓝")),
        ("B", _("B：D>160 红，70<D≤160 橙，20<D≤70 黄，D≤20 蓝"))])
    ls = forms.ChoiceField(label=_("LS 分级"), choices=[
        ("A", _("A：20–25 红，15–16 橙，9–12 黄，1–8 蓝")),
        ("B", _("B：17–25 红，11–16 橙，5–10 黄，1–4 蓝")),
        ("C", _("C：20–25 红，9–16 橙，4–8 黄，1–3 蓝")),
        ("D", _("D：20–25 红，10–16 橙，4–9 黄，1–3 蓝"))])
    document = forms.CharField(label=_("或：完整判定准则（JSON，填写后忽略上面的选项）"),
                               required=False, widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def rules(self, mes: list) -> dict:
        text = self.cleaned_data["document"].strip()
        if text:
            try:
                return json.loads(text)
            except ValueError as error:
                raise forms.ValidationError({"document": str(error)}) from error
        return {"LEC": LEC_VARIANTS[self.cleaned_data["lec"]],
                "LS": LS_VARIANTS[self.cleaned_data["ls"]], "MES": mes}


class ZoneForm(forms.Form):
    """A zone drawn on the floor plan: its name and outline (GeoJSON polygon)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    outline = forms.CharField(label=_("范围（GeoJSON多边形）"),
                              widget=forms.Textarea(attrs={"rows": 2}))
    floor_plan = forms.TypedChoiceField(label=_("厂区平面图"), required=False, coerce=int,
                                        empty_value=None)

    def __init__(self, *args, plans=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["floor_plan"].choices = [("", "—"), *((p.pk, p.name) for p in plans)]

    def geometry(self) -> GEOSGeometry:
        return _geojson(self.cleaned_data["outline"])

    def plan(self, plans):
        return next((p for p in plans if p.pk == self.cleaned_data.get("floor_plan")), None)


def _geojson(text: str) -> GEOSGeometry:
    try:
        return GEOSGeometry(json.dumps(json.loads(text.strip())), srid=4326)
    except (ValueError, GEOSException, GDALException) as error:
        raise ValidationError({"outline": _("范围须为GeoJSON多边形")}) from error
