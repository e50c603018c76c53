"""The demo's monitoring reports: after `load_demo` the park, its county and the park's
monitored enterprises have daily reports of the last three days, last week's and last
month's, ready, with the park's figures drawn from the demo's data."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from monitoring.reports.models import Report, ReportState
from tests.data.test_load_demo import PARK, fast_passwords  # noqa: F401


@pytest.mark.django_db
def test_demo_reports(fast_passwords, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "monitoring reports: " in out.getvalue()
    rows = Report.objects.all()
    assert set(rows.values_list("state", flat=True)) == {ReportState.READY}
    today = timezone.localdate()
    park = rows.filter(division_code=PARK + "000", enterprise__isnull=True)
    assert sorted(park.filter(kind="daily").values_list("period_start", flat=True)) == [
        today - timedelta(days=n) for n in (3, 2, 1)]
    assert set(park.values_list("kind", flat=True)) == {"daily", "weekly", "monthly"}
    subjects = {(r.enterprise_id is None, r.division_code[:9] == PARK) for r in rows}
    assert subjects == {(True, True), (True, False), (False, True)}  # park, county, firms
    assert rows.count() == 15  # the demo gateway's firm is the `enterprise` account's: 3 × 5
    day = park.filter(kind="daily").latest("period_start")
    assert day.figures["commitments"]["obliged"] > 0 and day.figures["children"]
    assert (tmp_path / "media" / day.file.name).exists()
