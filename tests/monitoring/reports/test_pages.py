"""The reports page: listed, downloaded and previewed only in the caller's scope (county
B sees nothing of county A, an enterprise user only its own enterprise's); a report asked
for is pending until its job has run, then ready; the list's queries do not grow with its
rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.reports.models import Report, ReportState
from monitoring.reports.periods import period_of
from monitoring.reports.selectors import Subject
from monitoring.reports.services import report_make, report_queue
from monitoring.tasks import report_render
from tests.monitoring.reports.conftest import DAY, NOW

URL = "/monitoring/reports/"


def _made(subject: Subject, kind: str = "daily") -> Report:
    start, end = period_of(kind, DAY)
    report = report_queue(kind=kind, subject=subject, start=start, end=end, now=NOW)
    return report_make(report_id=report.pk, now=NOW)


@pytest.fixture
def kept(monitored):
    w = monitored
    e1, e2 = w.enterprises_a[0], w.enterprises_a[1]
    return {
        "county_a": _made(Subject(w.county_a.code, w.county_a.name, "county")),
        "county_b": _made(Subject(w.county_b.code, w.county_b.name, "county")),
        "e1": _made(Subject(e1.division_code, e1.name, "enterprise", e1.pk, e1.organisation_id)),
        "e2": _made(Subject(e2.division_code, e2.name, "enterprise", e2.pk, None)),
    }


def _listed(client) -> set[int]:
    page = client.get(URL)
    assert page.status_code == 200
    return {int(part.split('"')[0]) for part in page.content.decode().split('data-pk="')[1:]}


SEES = {"county_b": {"county_b"}, "county_a": {"county_a", "e1", "e2"}, "enterprise": {"e1"},
        "province": {"county_a", "county_b", "e1", "e2"}}


def test_listed_and_downloaded_only_in_scope(client, monitored, kept):
    for user, sees in SEES.items():
        client.force_login(monitored.users[user])
        assert _listed(client) == {kept[k].pk for k in sees}, user
        for name, report in kept.items():
            pdf = client.get(f"{URL}{report.pk}.pdf")
            preview = client.get(f"{URL}{report.pk}/")
            if name in sees:
                assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
                assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
                assert report.subject_name in preview.content.decode()
            else:
                assert (pdf.status_code, preview.status_code) == (404, 404), (user, name)


def test_a_report_asked_for_is_pending_then_ready(client, monitored):
    client.force_login(monitored.users["county_a"])
    e2 = monitored.enterprises_a[1]
    county_b = monitored.county_b
    refused = client.post(URL, {"ask-kind": "weekly", "ask-subject": f"d{county_b.code}",
                                "ask-day": DAY.isoformat()})
    assert refused.status_code == 200 and not Report.objects.exists()  # not a choice here
    asked = client.post(URL, {"ask-kind": "weekly", "ask-subject": f"e{e2.pk}",
                              "ask-day": DAY.isoformat()})
    assert asked.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.enterprise_id, report.period_start.isoformat(),
            report.state, report.requested_by.username) == (
        "weekly", e2.pk, "2026-11-30", ReportState.PENDING, "county_a")
    page = client.get(URL).content.decode()
    assert f'data-pk="{report.pk}" data-state="pending"' in page and "生成中" in page
    assert client.get(f"{URL}{report.pk}.pdf").status_code == 404   # nothing to serve yet
    assert report_render(report_id=report.pk) == ReportState.READY   # the job
    page = client.get(URL).content.decode()
    assert f'data-pk="{report.pk}" data-state="ready"' in page
    assert client.get(f"{URL}{report.pk}.pdf").status_code == 200
    future = client.post(URL, {"ask-kind": "daily", "ask-subject": f"e{e2.pk}",
                               "ask-day": (timezone.localdate() + timedelta(days=2))
                               .isoformat()})
    assert "不能生成未来日期的报告" in future.content.decode()


def test_a_failed_report_says_why(client, monitored, settings):
    client.force_login(monitored.users["county_a"])
    subject = Subject(monitored.county_a.code, monitored.county_a.name, "county")
    report = report_queue(kind="daily", subject=subject, start=DAY, end=DAY, now=NOW)
    settings.MEDIA_ROOT = "/proc/no-such-place"   # the PDF cannot be kept
    report = report_make(report_id=report.pk, now=NOW)
    assert report.state == ReportState.FAILED and report.error
    assert "生成失败" in client.get(URL).content.decode()


def test_the_list_takes_the_same_queries_whatever_the_rows(client, kept, monitored):
    client.force_login(monitored.users["province"])
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for kind in ("weekly", "monthly"):
        for key in ("county_a", "e1"):
            s = kept[key]
            _made(Subject(s.division_code, s.subject_name,
                          "enterprise" if s.enterprise_id else "county", s.enterprise_id,
                          s.organisation_id), kind)
    with CaptureQueriesContext(connection) as more:
        page = client.get(URL)
    assert page.content.decode().count('data-state="ready"') == 8
    assert len(more) == len(few) == 6, [q["sql"][:120] for q in more.captured_queries]
