"""The reports pages (/monitoring/reports/): the kept reports in the caller's scope with
filters and paging, the form that asks for one (queued for the job runner), the PDF and
an HTML preview of the same template, both only in scope (404 otherwise). Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from geo.scope import scope_for_request
from monitoring.reports import selectors, services
from monitoring.reports.forms import ReportFilterForm, ReportRequestForm
from monitoring.reports.models import Report, ReportState
from monitoring.reports.render import number, percent, report_html, report_title

PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    subjects = selectors.report_subjects(scope=scope)
    asked = ReportRequestForm(request.POST or None, subjects=subjects, prefix="ask",
                              initial={"day": timezone.localdate()})
    if request.method == "POST" and asked.is_valid():
        try:
            report = services.report_request(
                user=request.user, kind=asked.cleaned_data["kind"],
                subject_key=asked.cleaned_data["subject"], day=asked.cleaned_data["day"],
                now=timezone.now())
        except (ValidationError, PermissionDenied) as exc:
            asked.add_error(None, exc.messages if isinstance(exc, ValidationError)
                            else str(exc))
        else:
            messages.success(request, _("已提交生成：%(title)s") % {"title": report_title(report)})
            return redirect("reports:reports")
    shown = ReportFilterForm(request.GET)
    shown.is_valid()
    where = selectors.ReportFilter(**{k: v for k, v in shown.cleaned_data.items()
                                      if k not in shown.errors and v})
    page = Paginator(selectors.report_list(scope=scope, where=where), PAGE) \
        .get_page(request.GET.get("page"))
    return render(request, "monitoring/reports/list.html", {
        "filters": shown, "asked": asked, "page": page, "can_ask": bool(subjects),
        "rows": [_row(r) for r in page.object_list]})


def _row(report: Report) -> dict:
    f = report.figures or {}
    ready = report.state == ReportState.READY
    return {"r": report, "title": report_title(report), "ready": ready,
            "alarms": f.get("alarms", {}).get("total", "—") if ready else "",
            "warnings": f.get("warnings", {}).get("total", "—") if ready else "",
            "online": percent(f.get("online", {}).get("rate")) if ready else "",
            "risk": number(f.get("risk", {}).get("last")) if ready else ""}


def _ready(request: HttpRequest, pk: int) -> Report:
    report = selectors.report_get(scope=scope_for_request(request), pk=pk)
    if report is None or report.state != ReportState.READY:
        raise Http404
    return report


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    report = _ready(request, pk)
    response = FileResponse(report.file.open("rb"), content_type="application/pdf",
                            filename=f"{report_title(report)}.pdf", as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The kept figures in the PDF's template, as a page (nothing is read again)."""
    return HttpResponse(report_html(_ready(request, pk), pdf=False))
