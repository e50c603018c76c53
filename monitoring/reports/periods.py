"""A report's period in local days (settings.TIME_ZONE): a day, an ISO week (Monday to
Sunday) or a calendar month, and which periods the schedule makes on a given day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from monitoring.alarms.selectors import Period
from monitoring.reports.models import ReportKind


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the `kind` period that contains `day`."""
    if kind == ReportKind.DAILY:
        return day, day
    if kind == ReportKind.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def bounds(start: date, end: date) -> Period:
    """Local days start..end as the instants [start 00:00, the day after end 00:00)."""
    zone = timezone.get_current_timezone()
    return Period(datetime.combine(start, time.min, zone),
                  datetime.combine(end + timedelta(days=1), time.min, zone))


def periods_due(now: datetime) -> list[tuple[str, date, date]]:
    """What the daily run at `now` makes: yesterday's daily reports, on Mondays the last
    ISO week's, on the 1st the last month's (all periods that ended at local midnight)."""
    today = timezone.localtime(now).date()
    yesterday = today - timedelta(days=1)
    due = [(ReportKind.DAILY.value, yesterday, yesterday)]
    if today.weekday() == 0:
        due.append((ReportKind.WEEKLY.value, *period_of(ReportKind.WEEKLY, yesterday)))
    if today.day == 1:
        due.append((ReportKind.MONTHLY.value, *period_of(ReportKind.MONTHLY, yesterday)))
    return due


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
