"""The demo's monitoring reports (监测报告): daily reports of the last three days, last
week's and last month's, for the demo park, its county and the park's monitored
enterprises (the demo gateway's, and the demo `enterprise` account's firm) — rendered at
once, so the reports page has something to list before the job runner's first night.
Made again on a second load, they replace the kept ones (one row per kind, subject and
period)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from geo.models import Division, Role, User
from geo.scope import EVERYTHING
from monitoring.reports.periods import period_of
from monitoring.reports.selectors import Subject, report_subjects
from monitoring.reports.services import report_make, report_queue
from registry.enterprises.selectors import enterprises_scoped

DAYS = 3


def demo_reports_ensure(park_code: str, *, now: datetime | None = None) -> int:
    """Render the demo's reports; returns how many are ready."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    periods = [("daily", today - timedelta(days=n), today - timedelta(days=n))
               for n in range(DAYS, 0, -1)]
    periods.append(("weekly", *period_of("weekly", today - timedelta(days=7))))
    periods.append(("monthly", *period_of("monthly", today.replace(day=1) - timedelta(days=1))))
    ready = 0
    for subject in _subjects(park_code):
        for kind, start, end in periods:
            row = report_queue(kind=kind, subject=subject, start=start, end=end, now=now,
                               defer=False)
            made = report_make(report_id=row.pk, now=now)
            ready += made is not None and made.state == "ready"
    return ready


def _subjects(park_code: str) -> list[Subject]:
    park = Division.objects.get(code=park_code)
    county = park.parent
    found = [Subject(d.code, d.name, d.level) for d in (park, county) if d is not None]
    monitored = [s for s in report_subjects(scope=EVERYTHING)
                 if s.enterprise_id and s.code.startswith(park_code[:9])]
    owner = User.objects.filter(role=Role.ENTERPRISE, username="enterprise").first()
    firm = enterprises_scoped(scope=EVERYTHING).filter(
        organisation_id=owner.organisation_id).first() if owner and owner.organisation_id \
        else None
    if firm is not None and firm.pk not in {s.enterprise_id for s in monitored}:
        monitored.append(Subject(firm.division_code, firm.name, "enterprise", firm.pk,
                                 firm.organisation_id))
    return found + monitored[:2]


def demo_reports_delete(cursor, prefix: str) -> None:
    """Drop the demo region's reports (before its enterprises and divisions go); their
    files stay in the media folder until replaced."""
    cursor.execute("DELETE FROM monitoring_report WHERE division_code LIKE %s", [prefix + "%"])
