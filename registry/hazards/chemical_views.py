"""Chemicals catalogue pages: list and search, one chemical, and unknown-chemical
identification (未知化学品辨识). The catalogue is reference data, not scoped by area,
but every page needs a login like the rest of the platform."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from registry.hazards.identification import (
    COLOURS,
    ODOURS,
    SYMPTOMS,
    Observation,
    chemical_identify,
)
from registry.hazards.models import Chemical, PhysicalState
from registry.hazards.selectors import chemical_catalogue


@login_required
def chemical_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    return render(request, "registry/hazards/chemicals.html",
                  {"chemicals": chemical_catalogue(text), "q": text})


@login_required
def chemical_detail(request: HttpRequest, chemical_id: int) -> HttpResponse:
    chemical = get_object_or_404(Chemical, pk=chemical_id)
    return render(request, "registry/hazards/chemical.html", {"chemical": chemical})


def _choices(words: list[str]) -> list[tuple[str, str]]:
    return [(w, w) for w in words]


class ObservationForm(forms.Form):
    """What responders observe; every field optional, at least one needed."""

    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("未观察到"))] + PhysicalState.choices)
    colour = forms.ChoiceField(label=_("颜色"), required=False,
                               choices=[("", _("未观察到"))] + _choices(COLOURS))
    odour = forms.ChoiceField(label=_("气味"), required=False,
                              choices=[("", _("未观察到"))] + _choices(ODOURS))
    symptoms = forms.MultipleChoiceField(label=_("伤员症状"), required=False,
                                         choices=_choices(SYMPTOMS),
                                         widget=forms.CheckboxSelectMultiple)

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("state", "colour", "odour", "symptoms")):
            raise forms.ValidationError(_("请至少选择一项观察结果"))
        return data

    def observation(self) -> Observation:
        d = self.cleaned_data
        return Observation(d["state"], d["colour"], d["odour"], tuple(d["symptoms"]))


@login_required
def chemical_identification(request: HttpRequest) -> HttpResponse:
    form = ObservationForm(request.GET or None)
    candidates = chemical_identify(form.observation()) if form.is_valid() else None
    return render(request, "registry/hazards/identify.html",
                  {"form": form, "candidates": candidates})
