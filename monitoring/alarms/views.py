"""Pages of alarms (报警): the list in the caller's scope with filters and counts by status,
and one alarm with its timeline, photos and the actions the caller may take — signing
for it (签收), the handling report (处置反馈) and the supervisor's release or return
(确认解除 / 退回). Thin: reads through selectors in the caller's scope (404 outside it),
writes through services (the write gate and the workflow say who may)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from geo import authority
from geo.querystrings import query_with
from geo.scope import scope_for_request
from geo.uploads import photo_response
from geo.workflow import ACCEPT, SUBMIT
from monitoring.alarms import selectors, services
from monitoring.alarms.filters import filters_from
from monitoring.alarms.lifecycle import RELEASE
from monitoring.alarms.models import Alarm, AlarmStatus

PAGE = 50
LABELS = {"photos": gettext_lazy("处置照片")}  # fields the model does not name
# Who acts next, for a caller who may not (the county looking at an alarm not yet signed for)
WAITING_FOR = {
    AlarmStatus.RAISED: gettext_lazy("等待企业签收"),
    AlarmStatus.PUSHED: gettext_lazy("等待企业签收"),
    AlarmStatus.ACKNOWLEDGED: gettext_lazy("企业已签收，等待企业反馈处置情况"),
    AlarmStatus.RETURNED: gettext_lazy("已退回，等待企业重新反馈处置情况"),
    AlarmStatus.HANDLED: gettext_lazy("企业已反馈处置情况，等待监管部门确认解除"),
}


def errors_named(error: ValidationError, model=Alarm) -> list[str]:
    """Messages prefixed with the label of the field they concern."""
    if not hasattr(error, "error_dict"):
        return error.messages
    return [message if field == NON_FIELD_ERRORS else f"{_label(model, field)}：{message}"
            for field, messages in error.message_dict.items() for message in messages]


def _label(model, field: str) -> str:
    if field in LABELS:
        return str(LABELS[field])
    try:
        return str(model._meta.get_field(field).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return field


@login_required
@require_GET
def alarm_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    enterprises = selectors.alarm_enterprises(scope=scope)
    filters, form = filters_from(request.GET, enterprises=enterprises)
    counts = selectors.alarm_status_counts(scope=scope, filters=filters)
    page = Paginator(selectors.alarm_list(scope=scope, filters=filters), PAGE) \
        .get_page(request.GET.get("page"))
    return render(request, "monitoring/alarms/list.html", {
        "form": form, "page": page, "filters": filters,
        "tabs": _status_tabs(request, counts, filters.statuses),
        "total": sum(counts.values()),
        "all_query": query_with(request, status=None),
        "show_enterprise": len(enterprises) > 1,
        "grading_url": _grading_url(),
    })


def _grading_url() -> str | None:
    """The grading page (消警考核) of the metrics slice, when it is installed."""
    try:
        return reverse("alarms:grading")
    except NoReverseMatch:
        return None


def _status_tabs(request: HttpRequest, counts: dict[str, int], chosen: tuple[str, ...]):
    return [{"value": value, "label": label, "n": counts.get(value, 0),
             "on": chosen == (value,), "query": query_with(request, status=value)}
            for value, label in AlarmStatus.choices]



def _alarm_or_404(request: HttpRequest, pk: int) -> Alarm:
    alarm = selectors.alarm_get(scope=scope_for_request(request), pk=pk)
    if alarm is None:
        raise Http404(_("未找到该报警"))
    return alarm


@login_required
@require_GET
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _alarm_or_404(request, pk))


def _detail(request: HttpRequest, alarm: Alarm, errors: list[str] | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    warning = getattr(alarm, "warning", None)  # an alarm kept silent has none
    return render(request, "monitoring/alarms/detail.html", {
        "alarm": alarm, "warning": warning, "errors": errors or [],
        "steps": list(alarm.steps.all()), "photos": list(alarm.photos.all()),
        "may_acknowledge": authority.owns(user, alarm)
        and alarm.status in selectors.TO_ACKNOWLEDGE,
        "may_handle": RELEASE.may(SUBMIT, user, alarm),
        "may_decide": RELEASE.may(ACCEPT, user, alarm),
        "form": request.POST if errors else {},
        "waiting_for": WAITING_FOR.get(alarm.status, ""),
    }, status=status)


@login_required
@require_POST
def alarm_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """acknowledge / handle (the enterprise) · release / return (the supervisor)."""
    alarm = _alarm_or_404(request, pk)
    try:
        if action == "acknowledge":
            services.alarm_acknowledge(alarm=alarm, user=request.user)
        elif action == "handle":
            services.alarm_handle(alarm=alarm, user=request.user,
                                  feedback=request.POST.get("feedback", ""),
                                  false_alarm=request.POST.get("false_alarm") == "on",
                                  photos=request.FILES.getlist("photos"))
        elif action == "release":
            services.alarm_release(alarm=alarm, user=request.user)
        elif action == "return":
            services.alarm_return(alarm=alarm, user=request.user,
                                  reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except ValidationError as error:
        return _detail(request, _alarm_or_404(request, pk), errors_named(error), status=400)
    except PermissionDenied as refused:  # the write gate's reason, on the page it refused
        return _detail(request, alarm, [str(refused)], status=403)
    return redirect("alarms:alarm", pk=alarm.pk)


@login_required
@require_GET
def alarm_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    photo = selectors.alarm_photo_get(scope=scope_for_request(request), alarm_id=pk,
                                      photo_id=photo_id)
    if photo is None:
        raise Http404
    return photo_response(photo.image)
