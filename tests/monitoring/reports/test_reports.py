"""Every kind of report rendered for an enterprise and for a county: the PDF's text read
back with pdftotext, its Chinese headings found, and each figure equal to a direct SQL
query over the tables (written here, not through the selectors the report uses)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from monitoring.reports.models import Report, ReportState
from monitoring.reports.periods import bounds, period_of
from monitoring.reports.selectors import Subject
from monitoring.reports.services import report_make, report_queue
from tests.monitoring.reports.conftest import DAY, NOW, pdf_text

HEADINGS = ["一、报警统计", "二、预警统计", "三、每日承诺", "四、设备在线率", "五、动态风险趋势"]
DUE_MINUTES = {1: 30, 2: 60, 3: 240, 4: 1440}  # the default rule set's 考核 deadlines
WARNING_LABELS = {1: "红色预警（重大）", 2: "橙色预警（较大）", 3: "黄色预警（一般）",
                  4: "蓝色预警（低）"}


def _one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _where(prefix: str, enterprise_id: int | None) -> tuple[str, list]:
    if enterprise_id:
        return "enterprise_id = %s", [enterprise_id]
    return "division_code LIKE %s", [prefix + "%"]


def direct(prefix: str, enterprise_id: int | None, start: date, end: date,
           now: datetime) -> dict:
    """The report's figures, straight from the tables."""
    p = bounds(start, end)
    where, args = _where(prefix, enterprise_id)
    alarms = dict(_one(f"SELECT level, count(*) FROM monitoring_alarm WHERE {where} "
                       "AND status <> 'suppressed' AND raised_at >= %s AND raised_at < %s "
                       "GROUP BY level", [*args, p.start, p.end]))
    due_case = "CASE level " + " ".join(f"WHEN {n} THEN {m}" for n, m in DUE_MINUTES.items()) \
        + " END * interval '1 minute'"
    handled = "status IN ('handled', 'released')"
    ((due, on_time),) = _one(
        f"SELECT count(*) FILTER (WHERE {handled} OR raised_at + {due_case} <= %s), "
        f"count(*) FILTER (WHERE {handled} AND handled_at <= raised_at + {due_case}) "
        f"FROM monitoring_alarm WHERE {where} AND status <> 'suppressed' "
        "AND raised_at >= %s AND raised_at < %s", [now, *args, p.start, p.end])
    warnings = {lv: (n, closed, mean, longest) for lv, n, closed, mean, longest in _one(
        "SELECT level, count(*), count(closed_at), "
        "round((extract(epoch FROM avg(closed_at - raised_at)) / 60)::numeric, 1), "
        "round((extract(epoch FROM max(closed_at - raised_at)) / 60)::numeric, 1) "
        f"FROM monitoring_earlywarning WHERE {where} AND raised_at >= %s AND raised_at < %s "
        "GROUP BY level", [*args, p.start, p.end])}
    e_where = "e.id = %s" if enterprise_id else "e.division_code LIKE %s"
    last = min(end, now.date())
    cards = dict(_one(
        "SELECT CASE WHEN c.id IS NULL AND due > %s THEN 'pending' "
        "WHEN c.id IS NULL THEN 'missing' WHEN c.filed_at < due THEN 'reported' ELSE 'late' END,"
        " count(*) FROM registry_enterprise e CROSS JOIN (SELECT d::date AS day, (d::date + "
        "time '10:00') AT TIME ZONE 'Asia/Shanghai' AS due FROM generate_series(%s::date, "
        "%s::date, interval '1 day') d) d LEFT JOIN monitoring_commitment c "
        f"ON c.enterprise_id = e.id AND c.day = d.day WHERE {e_where} "
        "AND 'hazardous_chemicals' = ANY(e.categories) GROUP BY 1", [now, start, last, *args]))
    g_where = "g.enterprise_id = %s" if enterprise_id else "g.division_code LIKE %s"
    stop = min(p.end, now)
    ((gateways, down),) = _one(
        "SELECT count(DISTINCT g.code), coalesce(sum(extract(epoch FROM least(o.ended, %s) "
        "- greatest(o.started, %s))) FILTER (WHERE o.id IS NOT NULL), 0) "
        "FROM monitoring_gateway g LEFT JOIN monitoring_outage "
        "o ON o.gateway_id = g.code AND o.cause = 'offline' AND o.started < %s AND o.ended > %s"
        f" WHERE g.in_use AND {g_where}", [stop, p.start, stop, p.start, *args])
    span = (stop - p.start).total_seconds()
    risk_sql = ("SELECT score FROM monitoring_enterpriserisk WHERE enterprise_id = %s"
                if enterprise_id else "SELECT score FROM monitoring_regionrisk WHERE code = %s")
    risk = _one(risk_sql + " AND day <= %s ORDER BY day DESC LIMIT 1",
                [enterprise_id or prefix.ljust(12, "0"), end])
    return {"alarms": alarms, "due": due, "on_time": on_time, "warnings": warnings,
            "cards": cards, "online": 1 - float(down) / (gateways * span),
            "risk": risk[0][0]}


def _sections(text: str) -> dict[str, str]:
    marks = [text.index(h) for h in HEADINGS] + [len(text)]
    return {h: text[a:b] for h, a, b in zip(HEADINGS, marks, marks[1:], strict=False)}


def _row(section: str, label: str) -> list[str]:
    """The cells after `label` on its line (layout mode keeps a table row on one line)."""
    line = re.search(rf"^\s*{re.escape(label)}\s+(.+?)\s*$", section, re.M)
    assert line, f"{label} not in\n{section}"
    return line.group(1).split()


def _subject(world, which: str) -> Subject:
    if which == "county":
        return Subject(world.county_a.code, world.county_a.name, "county")
    e1 = world.enterprises_a[0]
    return Subject(e1.division_code, e1.name, "enterprise", e1.pk, e1.organisation_id)


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


@pytest.mark.parametrize("which", ["county", "enterprise"])
@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly"])
def test_the_pdf_says_what_the_tables_say(monitored, kind, which):
    subject = _subject(monitored, which)
    start, end = period_of(kind, DAY)
    report = report_queue(kind=kind, subject=subject, start=start, end=end, now=NOW)
    report = report_make(report_id=report.pk, now=NOW)
    assert (report.state, report.error) == (ReportState.READY, "")
    text = pdf_text(report.file.path)
    title = {"daily": "安全生产监测日报 2026年12月02日", "weekly": "安全生产监测周报 2026年第49周",
             "monthly": "安全生产监测月报 2026年12月"}[kind]
    assert f"{subject.name} {title}" in text
    assert "生成时间 2026-12-03 01:00" in text and re.search(r"第 1 页，共 \d 页", text)
    s = _sections(text)
    want = direct(subject.prefix, subject.enterprise_id, start, end, NOW)

    alarms = s["一、报警统计"]
    for level, label in ((1, "1 高高报 / 低低报 / 关联报警"), (2, "2 高报 / 低报"),
                         (3, "3 速率异常 / 数据不变"), (4, "4 无数据 / 离线")):
        assert _row(alarms, label) == [str(want["alarms"].get(level, 0))]
    assert _row(alarms, "合计") == [str(sum(want["alarms"].values()))]
    assert "".join(_row(alarms, "应处置 / 按时处置")) == f"{want['due']}/{want['on_time']}"
    assert _row(alarms, "消警处置及时率") == [_percent(want["on_time"] / want["due"])]

    warnings = s["二、预警统计"]
    for level, label in WARNING_LABELS.items():
        n, closed, mean, longest = want["warnings"].get(level, (0, 0, None, None))
        assert _row(warnings, label) == [str(n), str(closed), str(mean or "—"),
                                         str(longest or "—")]

    cards = s["三、每日承诺"]
    for status, label in (("reported", "按时承诺"), ("late", "逾期承诺"), ("missing", "未承诺"),
                          ("pending", "待承诺")):
        assert _row(cards, label)[0] == str(want["cards"].get(status, 0))

    figures = re.search(r"^\s*(\d+)\s+(\S+%)\s+([\d.]+)\s*$", s["四、设备在线率"], re.M)
    assert figures and figures.group(2) == _percent(want["online"])

    assert f"最新 {want['risk']}，" in s["五、动态风险趋势"]
    assert ("六、企业情况" in text) == (which == "county")
    if which == "county":  # each enterprise's row: its alarms as the table has them
        children = text[text.index("六、企业情况"):]
        for ent in monitored.enterprises_a[:2]:
            mine = direct(ent.division_code, ent.pk, start, end, NOW)
            assert _row(children, ent.name)[0] == str(sum(mine["alarms"].values()))


def test_the_hand_worked_county_day(monitored):
    """The figures above worked out by hand for county A's day, so a query that drifts
    with the report cannot pass unnoticed."""
    want = direct("320101", None, DAY, DAY, NOW)
    assert want["alarms"] == {1: 1, 2: 1, 3: 1, 4: 1}          # the suppressed one left out
    assert (want["due"], want["on_time"]) == (3, 1)            # no-data not due until 16:00
    assert want["cards"] == {"reported": 1, "late": 1}
    assert round(want["online"], 4) == round(1 - 3 / (2 * 24), 4)  # gw-1 3 h of 2×24 h
    assert {lv: w[:2] for lv, w in want["warnings"].items()} == {1: (1, 1), 2: (1, 0),
                                                                  3: (1, 1)}


def test_making_it_again_replaces_the_row_and_its_file(monitored,
                                                       django_capture_on_commit_callbacks):
    subject = _subject(monitored, "county")
    first = report_make(report_id=report_queue(kind="daily", subject=subject, start=DAY,
                                               end=DAY, now=NOW).pk, now=NOW)
    later = NOW + timedelta(hours=2)
    again = report_queue(kind="daily", subject=subject, start=DAY, end=DAY, now=later)
    assert again.pk == first.pk and again.state == ReportState.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        again = report_make(report_id=again.pk, now=later)
    assert Report.objects.filter(kind="daily", division_code=subject.code).count() == 1
    assert again.generated_at == later and again.file.name != first.file.name
    assert again.file.storage.exists(again.file.name)
    assert not first.file.storage.exists(first.file.name)   # the replaced PDF is gone
