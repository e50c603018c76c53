"""Writes of the reports slice: a report asked for (on the page, or by the daily schedule)
is a pending row plus one `report_render` job of the job runner (ADR 0012); the job reads
the figures, renders the PDF (geo.documents) and keeps both. The same kind, subject and
period again replaces the row and its file, never adds one."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from geo.documents import document_pdf
from geo.models import User
from geo.scope import EVERYTHING, scope_for_user
from monitoring.reports.figures import report_figures
from monitoring.reports.models import Report, ReportKind, ReportState
from monitoring.reports.periods import period_of, periods_due
from monitoring.reports.render import report_html
from monitoring.reports.selectors import Subject, report_subject, report_subjects, subject_get

log = logging.getLogger(__name__)
# The job that renders one report, declared in monitoring/tasks.py under this name; a
# slice may not import the tasks face, so the job is deferred by name.
RENDER_TASK = "monitoring.report_render"


def report_request(*, user: User, kind: str, subject_key: str, day: date,
                   now: datetime) -> Report:
    """A user asks for the `kind` report of a subject in their scope, for the period that
    contains `day` (today at the latest): pending until its job has run."""
    if kind not in ReportKind.values:
        raise ValidationError(_("未知的报告类型"), code="kind")
    if day > timezone.localtime(now).date():
        raise ValidationError(_("不能生成未来日期的报告"), code="future")
    subject = subject_get(scope=scope_for_user(user), key=subject_key)
    if subject is None:
        raise PermissionDenied(_("无权生成该对象的报告"))
    start, end = period_of(kind, day)
    return report_queue(kind=kind, subject=subject, start=start, end=end, now=now,
                        requested_by=user)


def reports_schedule(*, now: datetime) -> list[int]:
    """The daily run at `now`: yesterday's daily reports, on Mondays the last week's, on
    the 1st the last month's, of every division down to county level, every park and
    every enterprise with gateways in use. Returns the rows queued."""
    subjects = report_subjects(scope=EVERYTHING)
    return [report_queue(kind=kind, subject=s, start=start, end=end, now=now).pk
            for kind, start, end in periods_due(now) for s in subjects]


@transaction.atomic
def report_queue(*, kind: str, subject: Subject, start: date, end: date, now: datetime,
                 requested_by: User | None = None, defer: bool = True) -> Report:
    """The row of (kind, subject, period) — made, or the kept one set pending again — and
    its render job, deferred in the same transaction (no job without the row). The demo
    loader renders its own at once (`defer=False`, then `report_make`)."""
    key = {"kind": kind, "period_start": start}
    key |= {"enterprise_id": subject.enterprise_id} if subject.enterprise_id else \
        {"enterprise__isnull": True, "division_code": subject.code}
    report = Report.objects.select_for_update().filter(**key).first()
    if report is None:
        report = Report(kind=kind, period_start=start, enterprise_id=subject.enterprise_id,
                        division_code=subject.code)
    report.organisation_id = subject.organisation_id
    report.subject_name, report.period_end = subject.name, end
    report.state, report.error = ReportState.PENDING, ""
    report.requested_at, report.requested_by = now, requested_by
    report.save()
    if not defer:
        return report
    try:
        with transaction.atomic():  # a savepoint: the lock's unique violation stays in it
            app.configure_task(RENDER_TASK, queue="reports",
                               queueing_lock=f"report-{report.pk}").defer(report_id=report.pk)
    except AlreadyEnqueued:
        pass  # a job is already waiting; it reads the row as it is now when it runs
    return report


def report_make(*, report_id: int, now: datetime) -> Report | None:
    """The job: figures, PDF and file of a pending report; a failure is kept on the row
    (state failed, the error) for the list to show. None if the row is gone."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return None
    try:
        with transaction.atomic():
            _render(report, now)
    except Exception as exc:  # noqa: BLE001 - any failure is the report's state, shown to users
        log.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(state=ReportState.FAILED,
                                                   error=f"{type(exc).__name__}: {exc}"[:2000])
        report.refresh_from_db()
    return report


def _render(report: Report, now: datetime) -> None:
    report.figures = report_figures(subject=report_subject(report), kind=report.kind,
                                    start=report.period_start, end=report.period_end, now=now)
    report.generated_at = now
    data = document_pdf(report_html(report, pdf=True))
    old = report.file.name
    subject = f"e{report.enterprise_id}" if report.enterprise_id else report.division_code
    report.file.save(f"{report.kind}-{subject}-{report.period_start:%Y%m%d}.pdf",
                     ContentFile(data), save=False)
    report.size, report.state, report.error = len(data), ReportState.READY, ""
    report.save()
    if old and old != report.file.name:
        # the replaced PDF goes once the row points at the new one
        transaction.on_commit(lambda: report.file.storage.delete(old))
