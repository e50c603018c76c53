"""The job runner's worker (`manage.py procrastinate worker`) runs the risk job."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from monitoring.risk.models import EnterpriseRisk, RegionRisk
from monitoring.tasks import risk_scores


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_risk_job(risky):
    now = datetime.now(UTC).replace(microsecond=0)
    risk_scores.defer(timestamp=int(now.timestamp()))
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": urlunsplit(
        url._replace(path="/" + connection.settings_dict["NAME"]))}
    subprocess.run([sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
                    "-q", "monitoring"], env=env, check=True, timeout=120,
                   capture_output=True)
    jobs = ProcrastinateJob.objects.filter(task_name="monitoring.tasks.risk_scores")
    assert set(jobs.values_list("status", flat=True)) == {"succeeded"}
    day = timezone.localdate(now)
    assert EnterpriseRisk.objects.filter(day=day, current=True).count() == 8
    assert RegionRisk.objects.filter(day=day, current=True).count() == 4
    a3 = EnterpriseRisk.objects.get(enterprise=risky.enterprises_a[2])
    assert (a3.score, a3.level, a3.model_version) == (100.0, 1, "risk-1.2")
