"""The schedule: the daily job at 01:00 local makes yesterday's reports of every division
down to county level and every enterprise with gateways, one render job each — called as
a function on an injected clock, and once through the real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

from monitoring.reports.models import Report, ReportState
from monitoring.reports.periods import periods_due
from monitoring.tasks import report_render, reports_due
from tests.monitoring.reports.conftest import DAY, LOCAL, NOW, pdf_text

RENDER = "monitoring.report_render"


def _subjects(world) -> set[str]:
    """Province, city, both counties, and the three enterprises with gateways."""
    e1, e2, e11 = world.enterprises_a[0], world.enterprises_a[1], world.enterprises_b[0]
    return {world.province.code, world.city.code, world.county_a.code, world.county_b.code,
            f"e{e1.pk}", f"e{e2.pk}", f"e{e11.pk}"}


def _keys(rows) -> set[str]:
    return {f"e{r.enterprise_id}" if r.enterprise_id else r.division_code for r in rows}


def test_the_schedule_of_a_day():
    """Mondays add last week's, the 1st last month's; always yesterday's day."""
    def due(y, m, d):
        return periods_due(datetime(y, m, d, 1, 0, tzinfo=LOCAL))

    assert due(2026, 12, 3) == [("daily", DAY, DAY)]
    monday = due(2026, 12, 7)
    assert monday[1] == ("weekly", DAY - timedelta(days=2), DAY + timedelta(days=4))
    first = due(2027, 1, 1)
    assert [k for k, _s, _e in first] == ["daily", "monthly"]
    assert first[1][1:] == (DAY.replace(day=1), DAY.replace(day=31))


def test_the_daily_job_makes_yesterdays_reports(monitored):
    made = reports_due(timestamp=int(NOW.timestamp()))
    rows = list(Report.objects.all())
    assert made == len(rows) == 7 and _keys(rows) == _subjects(monitored)
    assert {(r.kind, r.period_start, r.period_end, r.state) for r in rows} == {
        ("daily", DAY, DAY, ReportState.PENDING)}
    jobs = ProcrastinateJob.objects.filter(task_name=RENDER)
    assert sorted(j.args["report_id"] for j in jobs) == sorted(r.pk for r in rows)
    for row in rows:  # what the worker does with each job
        assert report_render(report_id=row.pk) == ReportState.READY
    county = Report.objects.get(division_code=monitored.county_a.code)
    assert "甲县 安全生产监测日报 2026年12月02日" in pdf_text(county.file.path)
    assert county.figures["alarms"]["total"] == 4


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_schedule_and_the_renders(monitored, tmp_path):
    reports_due.defer(timestamp=int(NOW.timestamp()))
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "media"), "DATABASE_URL": urlunsplit(
        url._replace(path="/" + connection.settings_dict["NAME"]))}
    done = subprocess.run([sys.executable, "manage.py", "procrastinate", "worker",
                           "--one-shot", "-q", "monitoring,reports"], env=env, timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    jobs = ProcrastinateJob.objects.filter(task_name__in=[RENDER, "monitoring.tasks.reports_due"])
    assert list(jobs.values_list("status", flat=True).distinct()) == ["succeeded"]
    rows = Report.objects.all()
    assert _keys(rows) == _subjects(monitored)
    assert set(rows.values_list("state", flat=True)) == {ReportState.READY}
    e1 = rows.get(enterprise=monitored.enterprises_a[0])
    pdf = tmp_path / "media" / e1.file.name
    assert pdf.exists() and "测试化工1号有限公司 安全生产监测日报" in pdf_text(str(pdf))
