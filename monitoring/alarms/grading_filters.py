"""What the grading page was asked (报警处置考核的查询条件): level, division prefix, dates,
sort and export format, checked by a form; a bad value falls back to its default and
is shown as the form's error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.scope import Scope
from monitoring.alarms.metrics import LEVELS, GradingRow, Period

LEVEL_LABELS = {"province": _("省"), "city": _("市"), "county": _("县（区）"),
                "enterprise": _("企业")}
# (sort key, column heading): the key is a GradingRow attribute.
COLUMNS = [
    ("name", _("名称")),
    ("alarms", _("报警次数")),
    ("sensors", _("在用点位数")),
    ("alarms_per_sensor", _("点位平均报警次数")),
    ("timely_rate", _("消警处置及时率")),
    ("repeat_rate", _("重复报警率")),
    ("release_minutes", _("平均消警时长（分钟）")),
    ("false_rate", _("误报率")),
]
DEFAULT_DAYS = 30
MAX_DAYS = 366


class GradingForm(forms.Form):
    level = forms.ChoiceField(label=_("统计层级"), required=False,
                              choices=list(LEVEL_LABELS.items()))
    within = forms.RegexField(label=_("区划代码前缀"), regex=r"^\d{2,12}$", required=False)
    start = forms.DateField(label=_("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, choices=COLUMNS)
    dir = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])
    format = forms.ChoiceField(required=False, choices=[("csv", "CSV"), ("xlsx", "XLSX")])

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("end", _("统计区间不能超过 %(d)d 天") % {"d": MAX_DAYS})
        return data


@dataclass(frozen=True)
class GradingQuery:
    level: str
    within: str    # division-code prefix the rows lie under ("" everywhere)
    top: str       # the caller's own prefix
    start: date
    end: date      # inclusive
    sort: str      # a COLUMNS key; "" keeps the code order
    descending: bool
    fmt: str

    @property
    def period(self) -> Period:
        """Local days start..end as [start 00:00, the day after end 00:00)."""
        zone = timezone.get_current_timezone()
        return Period(datetime.combine(self.start, time.min, zone),
                      datetime.combine(self.end + timedelta(days=1), time.min, zone))


def grading_query(params, *, scope: Scope, levels: list[str],
                  today: date) -> tuple[GradingQuery, GradingForm]:
    """The query the page answers, and the bound form (its errors name what fell back)."""
    form = GradingForm(params)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    top = scope.prefix or ""
    within = data.get("within") or top
    if not within.startswith(top):
        within = top  # the scope would hide the rest anyway; the crumbs start at the top
    level = data.get("level") if data.get("level") in levels else _below(within, levels)
    digits = LEVELS[level]
    if digits is not None and digits < len(within):
        within = within[:digits]  # a coarser level: its division around `within` (levels
        # offered are never finer than the caller's, so this still starts with `top`)
    end = data.get("end") or today
    start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
    if "end" in form.errors:
        start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
    return GradingQuery(level, within, top, start, end, data.get("sort") or "",
                        data.get("dir") == "desc", data.get("format") or ""), form


def _below(within: str, levels: list[str]) -> str:
    """The first level that splits `within` into parts (the enterprise at the bottom)."""
    return next((n for n in levels if LEVELS[n] is None or LEVELS[n] > len(within)),
                "enterprise")


def child_level(level: str) -> str | None:
    """The level a division row drills down to."""
    names = list(LEVELS)
    return names[names.index(level) + 1] if level != "enterprise" else None


def rows_sorted(rows: list[GradingRow], *, key: str, descending: bool) -> list[GradingRow]:
    """Rows by one column; rows without a value (no alarm, no sensor) last either way;
    no column: as they came (by division code or enterprise id)."""
    if not key:
        return list(rows)
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.key), reverse=descending)
    return present + missing
