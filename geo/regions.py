"""The one reading of "which level, under which division, over which days" that the
statistics pages (alarm grading, system operation) are asked: the levels of aggregation
by division-code digits, the form's shared fields, and how a bad value falls back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.scope import Scope

# Aggregation level -> the division-code digits that name one of its rows (None: per row).
LEVELS: dict[str, int | None] = {"province": 2, "city": 4, "county": 6, "enterprise": None}
LEVEL_LABELS = {"province": _("省"), "city": _("市"), "county": _("县（区）"),
                "enterprise": _("企业")}


class RegionPeriodForm(forms.Form):
    """Level, division prefix and local days; subclasses add their own fields and set
    MAX_DAYS."""

    MAX_DAYS = 366
    level = forms.ChoiceField(label=_("统计层级"), required=False,
                              choices=list(LEVEL_LABELS.items()))
    within = forms.RegexField(label=_("区划代码前缀"), regex=r"^\d{2,12}$", required=False)
    start = forms.DateField(label=_("开始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期"))
        elif start and end and (end - start).days >= self.MAX_DAYS:
            self.add_error("end", _("统计区间不能超过 %(d)d 天") % {"d": self.MAX_DAYS})
        return data


@dataclass(frozen=True)
class RegionPeriod:
    level: str
    within: str    # division-code prefix the rows lie under ("" everywhere)
    top: str       # the caller's own prefix
    start: date
    end: date      # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """Local days start..end as [start 00:00, the day after end 00:00)."""
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, zone),
                datetime.combine(self.end + timedelta(days=1), time.min, zone))


def region_period(form: RegionPeriodForm, *, scope: Scope, levels: list[str], today: date,
                  default_days: int) -> tuple[RegionPeriod, dict]:
    """What the page answers from a bound form, and the form's valid data; a refused
    value falls back to its default (the form's errors say which)."""
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    top = scope.prefix or ""
    within = data.get("within") or top
    if not within.startswith(top):
        within = top  # the scope would hide the rest anyway; the crumbs start at the top
    level = data.get("level") if data.get("level") in levels else level_below(within, levels)
    digits = LEVELS[level]
    if digits is not None and digits < len(within):
        within = within[:digits]  # a coarser level: its division around `within` (levels
        # offered are never finer than the caller's, so this still starts with `top`)
    end = data.get("end") or today
    start = data.get("start") or end - timedelta(days=default_days - 1)
    if "end" in form.errors:
        start, end = today - timedelta(days=default_days - 1), today
    return RegionPeriod(level, within, top, start, end), data


def level_below(within: str, levels: list[str]) -> str:
    """The first level that splits `within` into parts (the enterprise at the bottom)."""
    return next((n for n in levels if LEVELS[n] is None or LEVELS[n] > len(within)),
                "enterprise")


def child_level(level: str) -> str | None:
    """The level a division row drills down to."""
    names = list(LEVELS)
    return names[names.index(level) + 1] if level != "enterprise" else None
