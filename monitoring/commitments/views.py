"""Pages of the daily commitment: `/monitoring/commitments/` — an enterprise files today's
card and sees its latest ones; a supervisor sees the day's status counts, the drill-down by
division and the list, in their scope; `/monitoring/commitments/board/` — the public notice
board of today's commitments (企业状态公告). Thin, like every page."""

from __future__ import annotations

import datetime
from collections import Counter

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from geo import authority
from geo.models import LEVEL_DIGITS, Division
from geo.offline import offline_once
from geo.scope import scope_for_request
from monitoring.commitments import selectors, services
from monitoring.commitments.deadline import Status, deadline, local_day
from monitoring.commitments.models import COUNT_FIELDS, PLEDGE, Commitment
from registry.enterprises.selectors import enterprises_scoped

BOARD_PAGE = 50  # enterprises per page of the public board


class CommitmentForm(forms.ModelForm):
    confirmed = forms.BooleanField(label=gettext_lazy("主要负责人已阅读并确认以上承诺"),
                                   required=False)

    class Meta:
        model = Commitment
        fields = [*COUNT_FIELDS, "trial_production", "start_stop", "hazards_safe", "principal"]
        widgets = {f: forms.RadioSelect(choices=[(True, gettext_lazy("是")),
                                                 (False, gettext_lazy("否"))])
                   for f in ("trial_production", "start_stop", "hazards_safe")}


def _now() -> datetime.datetime:
    return timezone.now()


def _day(request: HttpRequest, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today
    return min(day, today)


def _own_enterprise(request: HttpRequest):
    rows = authority.owned_rows(request.user, enterprises_scoped(
        scope=scope_for_request(request)))
    return rows.defer("geom").order_by("pk").first() if rows is not None else None


@login_required
@require_http_methods(["GET", "POST"])
@offline_once  # filed from a phone in the plant, with or without a network
def commitments(request: HttpRequest) -> HttpResponse:
    now = _now()
    enterprise = _own_enterprise(request)
    form, errors, status = None, [], 200
    if enterprise is not None:
        form = CommitmentForm(request.POST or None,
                              initial={"principal": enterprise.legal_representative})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        errors = _file(request, form, enterprise, now)
        if not errors:
            return redirect("commitments:commitments")
        status = 400
    return _page(request, now=now, enterprise=enterprise, form=form, errors=errors,
                 status=status)


def _file(request, form: CommitmentForm, enterprise, now) -> list[str]:
    if not form.is_valid():
        return [f"{form.fields[name].label}：{m}" if name in form.fields else m
                for name, messages in form.errors.items() for m in messages]
    data = form.cleaned_data
    try:
        services.commitment_file(enterprise=enterprise, user=request.user, now=now,
                                 card=data, principal=data["principal"],
                                 confirmed=data["confirmed"])
    except ValidationError as error:
        return errors_named(error, model=Commitment)
    except PermissionDenied as refused:
        return [str(refused)]
    return []


def errors_named(error: ValidationError, model=Commitment) -> list[str]:
    """Messages prefixed with the label of the field they concern."""
    if not hasattr(error, "error_dict"):
        return error.messages
    return [m if field == NON_FIELD_ERRORS else f"{_label(model, field)}：{m}"
            for field, messages in error.message_dict.items() for m in messages]


def _label(model, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _page(request, *, now, enterprise, form, errors, status) -> HttpResponse:
    scope = scope_for_request(request)
    today = local_day(now)
    day = _day(request, today)
    area = _area(request)
    where = selectors.DayFilter(prefix=area.code[:_digits(area)] if area else "",
                                industry=request.GET.get("industry", "").strip().upper())
    state = request.GET.get("status", "")
    state = state if state in Status.values else ""
    counts = selectors.commitment_day_counts(scope=scope, day=day, now=now, where=where)
    context = {
        "day": day, "today": today, "deadline": deadline(day), "area": area, "where": where,
        "status": state, "pledge": PLEDGE, "form": form, "errors": errors,
        "enterprise": enterprise,
        "tabs": [{"value": v, "label": label, "n": counts[v], "on": v == state}
                 for v, label in Status.choices],
        "total": sum(counts.values()),
        "rows": selectors.commitment_day_rows(scope=scope, day=day, now=now, where=where,
                                              status=state),
        "divisions": selectors.commitment_day_by_division(
            scope=scope, day=day, now=now, parent=area, where=where) if area else [],
        "filed_today": enterprise is not None and selectors.commitment_get(
            scope=scope, enterprise_id=enterprise.pk, day=today),
        "recent": selectors.commitments_recent(scope=scope, enterprise_id=enterprise.pk)
        if enterprise is not None else [],
    }
    return render(request, "monitoring/commitments/page.html", context, status=status)


def _digits(area: Division) -> int:
    return LEVEL_DIGITS[area.level]


def _area(request: HttpRequest) -> Division | None:
    """The division drilled into (?division=code), else the caller's own; only one the
    caller's scope covers."""
    scope = scope_for_request(request)
    code = request.GET.get("division") or getattr(request.user.division, "code", None)
    if not code:
        return None
    area = Division.objects.filter(code=code).first()
    if area is None or not (scope.everything or scope.allows_division(area.code)):
        return getattr(request.user, "division", None)
    return area


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The public board of today's commitments: the card's public fields and each
    enterprise's status, for anyone (the public scope of public layers)."""
    now = _now()
    day = local_day(now)
    where = selectors.DayFilter(prefix=request.GET.get("division", "").strip())
    rows = selectors.commitment_day_rows(scope=scope_for_request(request), day=day, now=now,
                                         where=where, public=True, order="board")
    counts = Counter(r["status"] for r in rows)
    page = Paginator(rows, BOARD_PAGE).get_page(request.GET.get("page"))
    public = [{k: r[k] for k in ("name", "status", *selectors.PUBLIC_FIELDS)} for r in page]
    return render(request, "monitoring/commitments/board.html", {
        "day": day, "deadline": deadline(day), "rows": public, "page": page, "pledge": PLEDGE,
        "labels": dict(Status.choices),
        "counts": [(value, label, counts[value]) for value, label in Status.choices]})
