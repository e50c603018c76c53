"""A report as a page: its kept figures turned into what the template shows (titles,
labels, percentages, the SVG charts). The same HTML is the preview and, through
`geo.documents.document_pdf`, the PDF."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.alarms.selectors import alarm_labels
from monitoring.commitments.selectors import Status
from monitoring.reports import charts
from monitoring.reports.models import Report, ReportKind
from monitoring.reports.periods import days
from monitoring.risk.selectors import risk_level_labels

TEMPLATE = "monitoring/reports/report.html"
STATUS_COLOURS = {"reported": "#2e7d32", "late": "#f08c00", "missing": "#d7191c",
                  "pending": "#9aa5b1"}


def report_title(report: Report) -> str:
    """e.g. "甲县 安全生产监测日报 2026年12月02日"."""
    return _("%(subject)s 安全生产监测%(kind)s %(period)s") % {
        "subject": report.subject_name, "kind": report.get_kind_display(),
        "period": period_label(report.kind, report.period_start, report.period_end)}


def period_label(kind: str, start: date, end: date) -> str:
    if kind == ReportKind.DAILY:
        return _("%(y)d年%(m)02d月%(d)02d日") % {"y": start.year, "m": start.month, "d": start.day}
    if kind == ReportKind.MONTHLY:
        return _("%(y)d年%(m)02d月") % {"y": start.year, "m": start.month}
    year, week, _day = start.isocalendar()
    return _("%(y)d年第%(w)d周") % {"y": year, "w": week}


def report_html(report: Report, *, pdf: bool) -> str:
    return render_to_string(TEMPLATE, {**report_context(report), "pdf": pdf})


def report_context(report: Report) -> dict:
    f = report.figures
    level_names, kind_names, warning_names = alarm_labels()
    alarms = f["alarms"]
    warnings = f["warnings"]
    commitments = f["commitments"]
    risk = f["risk"]
    risk_days = [d.isoformat() for d in days(date.fromisoformat(risk["from"]),
                                              date.fromisoformat(risk["to"]))]
    generated = timezone.localtime(report.generated_at or timezone.now())
    return {
        "report": report, "f": f, "title": report_title(report),
        "period": _("%(start)s 至 %(end)s") % {"start": report.period_start.isoformat(),
                                                "end": report.period_end.isoformat()},
        "generated": generated.strftime("%Y-%m-%d %H:%M"),
        # CSS text around the page counters, one msgid (translations carry no quotes)
        "footer_pages": _("第 %(page)s 页，共 %(pages)s 页") % {
            "page": '" counter(page) "', "pages": '" counter(pages) "'},
        "alarm_levels": [(n, level_names[n], alarms["by_level"][str(n)]) for n in (1, 2, 3, 4)],
        "alarm_kinds": [(kind_names.get(k, k), n) for k, n in alarms["by_kind"].items()],
        "alarm_chart": charts.bars([(_("%(n)d级") % {"n": n}, alarms["by_level"][str(n)],
                                     charts.LEVEL_COLOURS[n]) for n in (1, 2, 3, 4)]),
        "grading": _grading(f["grading"]),
        "warning_levels": [(warning_names[w["level"]], w) for w in warnings["levels"]],
        "warning_chart": charts.bars([(warning_names[w["level"]][:2], w["raised"],
                                       charts.LEVEL_COLOURS[w["level"]])
                                      for w in warnings["levels"]]),
        "statuses": [(Status(s).label, commitments[s]) for s in STATUS_COLOURS],
        "commitment_chart": charts.bars([(Status(s).label, commitments[s], c)
                                         for s, c in STATUS_COLOURS.items()]),
        "commitment_days": commitments["days"] if len(commitments["days"]) > 1 else [],
        "online_rate": percent(f["online"]["rate"]),
        "risk_chart": charts.line(risk_days, risk["days"]) if risk["days"] else None,
        "risk_level": risk_level_labels().get(risk["level"], "—"),
        "children": [{**c, "timely": percent(c["timely_rate"]), "online": percent(c["online_rate"]),
                      "risk": number(c["risk"])} for c in f["children"]],
        "child_label": _("企业") if f["child_level"] == "enterprise" else _("下级区划"),
    }


def _grading(g: dict) -> list[tuple[str, str]]:
    return [(_("报警总数"), str(g["alarms"])),
            (_("消警处置及时率"), percent(g["timely_rate"])),
            (_("应处置 / 按时处置"), f"{g['due']} / {g['on_time']}"),
            (_("点位平均报警次数"), number(g["alarms_per_sensor"])),
            (_("重复报警率"), percent(g["repeat_rate"])),
            (_("平均消警时长（分钟）"), number(g["release_minutes"], 1)),
            (_("误报率"), percent(g["false_rate"]))]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def number(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"
