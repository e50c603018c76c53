"""Enforcement figures (执法统计): cases, violations found, penalties decided and their
amounts, by month, region (a division prefix and the level below it), industry (a
GB/T 4754 prefix and the level below it) or handler — one grouped statement per view, in
the caller's scope. Months are those a case was registered in (登记); amounts are those
of decided cases. Inspections join these figures through the inspections slice's
selectors once it lands."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from geo.scope import Scope
from registry.enterprises.selectors import child_digits

VIEWS = {"month": _("按月份"), "region": _("按区域"), "industry": _("按行业"),
         "handler": _("按执法人员")}
# GB/T 4754-2017 sections (门类), the first level of the industry drill-down.
SECTIONS = {
    "A": _("农、林、牧、渔业"), "B": _("采矿业"), "C": _("制造业"),
    "D": _("电力、热力、燃气及水生产和供应业"), "E": _("建筑业"), "F": _("批发和零售业"),
    "G": _("交通运输、仓储和邮政业"), "H": _("住宿和餐饮业"),
    "I": _("信息传输、软件和信息技术服务业"), "J": _("金融业"), "K": _("房地产业"),
    "L": _("租赁和商务服务业"), "M": _("科学研究和技术服务业"),
    "N": _("水利、环境和公共设施管理业"), "O": _("居民服务、修理和其他服务业"),
    "P": _("教育"), "Q": _("卫生和社会工作"), "R": _("文化、体育和娱乐业"),
    "S": _("公共管理、社会保障和社会组织"), "T": _("国际组织")}
INDUSTRY_DIGITS = {0: 1, 1: 3, 3: 4, 4: 5}  # section → division (大类) → group → class
DECIDED = "c.decided_at IS NOT NULL AND c.state NOT IN ('cancelled', 'transferred')"
MEASURES = f"""count(*) AS cases, count(c.violation_id) AS violations,
    count(*) FILTER (WHERE {DECIDED}) AS decided,
    coalesce(sum(c.fine) FILTER (WHERE {DECIDED}), 0) AS amount"""


@dataclass(frozen=True)
class Figures:
    key: str        # the month, division prefix, industry prefix or user id
    label: str
    cases: int
    violations: int
    decided: int
    amount: Decimal
    geojson: str | None = None  # the division's outline (region view)


@dataclass(frozen=True)
class Filters:
    prefix: str = ""      # division code prefix
    industry: str = ""    # GB/T 4754 prefix
    since: datetime.date | None = None
    until: datetime.date | None = None   # exclusive


def case_figures(*, scope: Scope, by: str, where: Filters = Filters()) -> list[Figures]:
    """The figures of one view, one row per month, child division, child industry or
    handler, in ONE statement."""
    if by not in VIEWS:
        raise ValueError(f"no figures by {by!r}")
    condition, params = _where(scope, where)
    key, join, label, tail = _view(by, where)
    sql = (f"WITH g AS (SELECT {key[0]} AS key, {MEASURES} FROM enforcement_case c {join}"
           f" WHERE {condition} GROUP BY 1) SELECT g.key, {label}, g.cases, g.violations,"
           f" g.decided, g.amount{tail[0]} FROM g {tail[1]} ORDER BY g.key")
    with connection.cursor() as cursor:
        cursor.execute(sql, key[1] + params)
        rows = cursor.fetchall()
    return [Figures(str(r[0]), _name(by, str(r[0]), r[1]), *r[2:]) for r in rows]


def _where(scope: Scope, where: Filters) -> tuple[str, list]:
    condition, params = scope.sql(division_col="c.division_code", owner_col="c.organisation_id")
    parts, values = [condition], list(params)
    for column, prefix in (("c.division_code", where.prefix), ("c.industry", where.industry)):
        if prefix:
            parts.append(f"starts_with({column}, %s)")
            values.append(prefix)
    for op, day in ((">=", where.since), ("<", where.until)):
        if day is not None:
            parts.append(f"(c.opened_at AT TIME ZONE %s)::date {op} %s")
            values += [settings.TIME_ZONE, day]
    return " AND ".join(parts), values


def _view(by: str, where: Filters):
    """(key expression and its parameters, join, label expression, (extra columns, join
    of the outer select)) of one view."""
    if by == "month":
        return (("to_char(c.opened_at AT TIME ZONE %s, 'YYYY-MM')", [settings.TIME_ZONE]),
                "", "g.key", ("", ""))
    if by == "region":
        digits = child_digits(where.prefix) or 12
        return ((f"left(c.division_code, {digits})", []), "", "d.name",
                (", ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, 0.001), 5)",
                 "LEFT JOIN geo_division d ON d.code = rpad(g.key, 12, '0')"))
    if by == "industry":
        digits = INDUSTRY_DIGITS.get(len(where.industry), 5)
        return ((f"nullif(left(c.industry, {digits}), '')", []), "", "g.key", ("", ""))
    return (("m.user_id", []), "JOIN enforcement_casemember m ON m.case_id = c.id",
            "coalesce(nullif(u.last_name || u.first_name, ''), u.username)",
            ("", "JOIN geo_user u ON u.id = g.key"))


def _name(by: str, key: str, label) -> str:
    if by == "industry":
        return str(SECTIONS.get(key, key)) if key != "None" else str(_("个人（无行业）"))
    return label or key


def next_industry(prefix: str) -> bool:
    """Whether an industry prefix can be drilled into."""
    return len(prefix) in INDUSTRY_DIGITS and len(prefix) < 5
