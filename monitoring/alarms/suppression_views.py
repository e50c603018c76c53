"""Pages of noise control and of a user's own channels: maintenance windows and whitelists
(检修维护 / 白名单) in the caller's scope, filed by the enterprise and approved or returned
by its supervisor; and the alert preferences (预警接收设置). Thin, like every page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from geo import authority
from geo.scope import scope_for_request
from geo.workflow import ACCEPT
from monitoring.alarms import selectors, services
from monitoring.alarms.lifecycle import SUPPRESSION
from monitoring.alarms.models import (
    AlarmKind,
    AlertPreference,
    Suppression,
    SuppressionKind,
    SuppressionState,
)
from monitoring.alarms.views import errors_named
from registry.enterprises.selectors import enterprises_scoped

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SuppressionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=SuppressionKind.choices)
    sensors = forms.ModelMultipleChoiceField(label=gettext_lazy("监测点位"), queryset=None,
                                             widget=forms.CheckboxSelectMultiple)
    alarm_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("报警类型"), required=False, choices=AlarmKind.choices,
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("留空表示全部类型"))
    starts = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=_LOCAL)
    ends = forms.DateTimeField(label=gettext_lazy("结束时间"), widget=_LOCAL)
    reason = forms.CharField(label=gettext_lazy("理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, sensors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sensors"].queryset = sensors
        self.fields["sensors"].label_from_instance = lambda s: f"{s.point} {s.name}"


@login_required
@require_http_methods(["GET", "POST"])
def suppression_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    enterprise = _own_enterprise(request)
    form, errors, status = None, [], 200
    if enterprise is not None:
        sensors = selectors.suppression_sensors(scope=scope).filter(enterprise=enterprise)
        form = SuppressionForm(request.POST or None, sensors=sensors)
        if request.method == "POST":
            errors = _file(request, form, enterprise)
            if not errors:
                return redirect("alarms:suppressions")
            status = 400
    elif request.method == "POST":
        raise Http404
    return _page(request, form=form, errors=errors, status=status)


def _own_enterprise(request: HttpRequest):
    """The enterprise the caller files for (its own), or None."""
    rows = authority.owned_rows(request.user, enterprises_scoped(
        scope=scope_for_request(request)))
    return rows.defer("geom").order_by("pk").first() if rows is not None else None


def _file(request: HttpRequest, form: SuppressionForm, enterprise) -> list[str]:
    if not form.is_valid():
        return [f"{form.fields[name].label}：{message}" for name, messages in
                form.errors.items() for message in messages]
    data = form.cleaned_data
    try:
        services.suppression_file(
            enterprise=enterprise, user=request.user, kind=data["kind"],
            sensors=list(data["sensors"]), starts=data["starts"], ends=data["ends"],
            reason=data["reason"], alarm_kinds=data["alarm_kinds"])
    except ValidationError as error:
        return errors_named(error, model=Suppression)
    return []


def _page(request: HttpRequest, *, form=None, errors=(), status: int = 200) -> HttpResponse:
    scope = scope_for_request(request)
    state = request.GET.get("state", "")
    state = state if state in SuppressionState.values else ""
    rows = list(selectors.suppression_list(scope=scope, state=state))
    for row in rows:
        row.may_decide = SUPPRESSION.may(ACCEPT, request.user, row)
        row.kind_labels = [AlarmKind(k).label for k in row.alarm_kinds if k in AlarmKind.values]
    counts = selectors.suppression_state_counts(scope=scope)
    return render(request, "monitoring/alarms/suppressions.html", {
        "rows": rows, "form": form, "errors": list(errors), "state": state,
        "tabs": [{"value": v, "label": label, "n": counts.get(v, 0), "on": v == state}
                 for v, label in SuppressionState.choices],
        "total": sum(counts.values()),
    }, status=status)


@login_required
@require_POST
def suppression_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """approve / return, by a supervisor over the enterprise (the workflow asks)."""
    row = selectors.suppression_get(scope=scope_for_request(request), pk=pk)
    if row is None or action not in ("approve", "return"):
        raise Http404
    try:
        services.suppression_decide(suppression=row, user=request.user,
                                    approve=action == "approve",
                                    reason=request.POST.get("reason", ""))
    except ValidationError as error:
        return _page(request, errors=errors_named(error, model=Suppression), status=400)
    except PermissionDenied as refused:
        return _page(request, errors=[str(refused)], status=403)
    return redirect("alarms:suppressions")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["sms_up_to", "email_up_to"]


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.alert_preference_get(user=request.user)
    form = PreferenceForm(request.POST or None, instance=current)
    errors, saved = [], request.GET.get("saved") == "1"
    if request.method == "POST":
        try:
            services.alert_preference_set(user=request.user,
                                          sms_up_to=_level(request.POST.get("sms_up_to")),
                                          email_up_to=_level(request.POST.get("email_up_to")))
        except ValidationError as error:
            errors = errors_named(error, model=AlertPreference)
        else:
            return redirect(f"{request.path}?saved=1")
    return render(request, "monitoring/alarms/preferences.html", {
        "form": form, "errors": errors, "saved": saved and not errors,
    }, status=400 if errors else 200)


def _level(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
