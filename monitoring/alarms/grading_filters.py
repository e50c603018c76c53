"""What the grading page was asked (报警处置考核的查询条件): level, division prefix, dates,
sort and export format, checked by a form; a bad value falls back to its default and
is shown as the form's error."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from geo.regions import LEVEL_LABELS, RegionPeriod, RegionPeriodForm, child_level, region_period
from geo.scope import Scope
from monitoring.alarms.metrics import GradingRow, Period

__all__ = ["COLUMNS", "LEVEL_LABELS", "GradingQuery", "child_level", "grading_query",
           "rows_sorted"]

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


class GradingForm(RegionPeriodForm):
    MAX_DAYS = 366
    sort = forms.ChoiceField(required=False, choices=COLUMNS)
    dir = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])
    format = forms.ChoiceField(required=False, choices=[("csv", "CSV"), ("xlsx", "XLSX")])


@dataclass(frozen=True)
class GradingQuery(RegionPeriod):
    sort: str      # a COLUMNS key; "" keeps the code order
    descending: bool
    fmt: str

    @property
    def period(self) -> Period:
        return Period(*self.bounds())


def grading_query(params, *, scope: Scope, levels: list[str],
                  today) -> tuple[GradingQuery, GradingForm]:
    """The query the page answers, and the bound form (its errors name what fell back)."""
    form = GradingForm(params)
    region, data = region_period(form, scope=scope, levels=levels, today=today,
                                 default_days=DEFAULT_DAYS)
    return GradingQuery(region.level, region.within, region.top, region.start, region.end,
                        data.get("sort") or "", data.get("dir") == "desc",
                        data.get("format") or ""), form


def rows_sorted(rows: list[GradingRow], *, key: str, descending: bool) -> list[GradingRow]:
    """Rows by one column; rows without a value (no alarm, no sensor) last either way;
    no column: as they came (by division code or enterprise id)."""
    if not key:
        return list(rows)
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.key), reverse=descending)
    return present + missing
