"""Forms of the hidden-danger pages: what a user types; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from enforcement.dangers.loop import PLAN_FIELDS
from enforcement.dangers.models import HiddenDanger
from enforcement.dangers.services import REGISTER_FIELDS, STEP_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})


class RegisterForm(forms.ModelForm):
    lon = forms.FloatField(label=gettext_lazy("经度"), required=False)
    lat = forms.FloatField(label=gettext_lazy("纬度"), required=False)

    class Meta:
        model = HiddenDanger
        fields = list(REGISTER_FIELDS)
        widgets = {"deadline": DATE, "description": TEXT, "cause": TEXT,
                   "control_measures": TEXT}


def step_form(action: str, instance: HiddenDanger, data=None) -> forms.ModelForm | None:
    """The fields a step fills (grade: level and manage type; start: the measures and, for
    a major danger, the plan; submit: the rectification), or None for a bare step."""
    fields = list(STEP_FIELDS.get(action, ()))
    if not fields:
        return None
    if action == "start" and not instance.is_major:
        fields = [f for f in fields if f not in PLAN_FIELDS and f != "assessment"]
    form_class = forms.modelform_factory(
        HiddenDanger, fields=fields,
        widgets={"deadline": DATE, **{f: TEXT for f in (*PLAN_FIELDS, "assessment",
                                                         "control_measures", "rectification")}})
    return form_class(data, instance=instance, prefix=action)


class SuperviseForm(forms.Form):
    deadline = forms.DateField(label=gettext_lazy("督办期限"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("督办要求"), widget=TEXT, required=False)
