"""What one monitoring report costs (monitoring/reports): for a park, a county and an
enterprise of the loaded demo, the daily report's figures (the slices' selectors), its
HTML and its PDF (WeasyPrint) timed apart, a few runs each; then the nightly batch
estimated as subjects × mean time per report (one worker; more workers share the jobs).
Rolled back at the end, so the database is left as it was.

    .venv/bin/python -m bench.reports [--runs 3] [--kind daily]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from geo.documents import document_pdf  # noqa: E402
from geo.scope import EVERYTHING  # noqa: E402
from monitoring.reports.figures import report_figures  # noqa: E402
from monitoring.reports.models import Report  # noqa: E402
from monitoring.reports.periods import period_of  # noqa: E402
from monitoring.reports.render import report_html  # noqa: E402
from monitoring.reports.selectors import Subject, report_subjects  # noqa: E402


def _time(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _one(subject: Subject, kind: str, runs: int) -> tuple[float, float, float, int]:
    """Median seconds of figures, HTML and PDF, and the PDF's bytes."""
    now = timezone.now()
    start, end = period_of(kind, timezone.localdate() - timedelta(days=1))
    times: list[tuple[float, float, float]] = []
    size = 0
    for _ in range(runs):
        t_fig, figures = _time(lambda: report_figures(subject=subject, kind=kind, start=start,
                                                      end=end, now=now))
        report = Report(kind=kind, subject_name=subject.name, division_code=subject.code,
                        enterprise_id=subject.enterprise_id, period_start=start,
                        period_end=end, requested_at=now, generated_at=now, figures=figures)
        t_html, html = _time(lambda r=report: report_html(r, pdf=True))
        t_pdf, data = _time(lambda h=html: document_pdf(h))
        times.append((t_fig, t_html, t_pdf))
        size = len(data)
    return (*(statistics.median(t[i] for t in times) for i in range(3)), size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kind", default="daily", choices=["daily", "weekly", "monthly"])
    args = parser.parse_args()
    subjects = report_subjects(scope=EVERYTHING)
    parks = [s for s in subjects if s.is_park]
    counties = [s for s in subjects if s.level == "county"]
    firms = [s for s in subjects if s.enterprise_id]
    picked = [("park", parks[0]), ("county", next(
        (c for c in counties if parks and parks[0].code.startswith(c.prefix)), counties[0])),
        ("enterprise", firms[0])] if parks and firms else []
    rows = []
    with transaction.atomic():
        for label, subject in picked:
            fig, html, pdf, size = _one(subject, args.kind, args.runs)
            rows.append((label, subject.name, fig, html, pdf, size))
        transaction.set_rollback(True)
    print(f"{args.kind} report, median of {args.runs} runs (s)")
    print(f"{'subject':<11} {'figures':>8} {'html':>6} {'pdf':>6} {'total':>6} {'KiB':>6}  name")
    for label, name, fig, html, pdf, size in rows:
        print(f"{label:<11} {fig:8.3f} {html:6.3f} {pdf:6.3f} {fig + html + pdf:6.3f}"
              f" {size / 1024:6.0f}  {name}")
    if rows:
        mean = statistics.mean(r[2] + r[3] + r[4] for r in rows)
        print(f"\nsubjects on the schedule: {len(subjects)} (divisions down to county, parks,"
              f" {len(firms)} monitored enterprises)")
        print(f"nightly {args.kind} batch ≈ {len(subjects)} × {mean:.2f} s ="
              f" {len(subjects) * mean:.0f} s on one worker")


if __name__ == "__main__":
    main()
