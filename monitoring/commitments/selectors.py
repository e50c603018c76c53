"""Reads of the daily commitment: each enterprise's status for a day (reported / late /
missing / pending) computed in SQL, counted by status and by division, filtered by
division prefix and industry, always in the caller's scope (`geo.scope`). The clock is the
caller's `now` (fixed in tests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from geo import authority
from geo.models import LEVEL_DIGITS, Division
from geo.scope import Scope, scope_for_user_id
from monitoring.commitments.deadline import Status, deadline
from monitoring.commitments.models import COUNT_FIELDS, FLAG_FIELDS, Commitment
from registry.enterprises.selectors import enterprises_scoped

# What the public notice board (企业状态公告) shows of a card: the card itself and its
# signatory, as on the board at the main gate; never who typed it, phones or the flag.
PUBLIC_FIELDS = (*COUNT_FIELDS, *FLAG_FIELDS, "principal", "filed_at")
# Who must commit (reference §4: hazardous-chemical producers and traders with storage,
# holders of a use licence): registered enterprises in the 危险化学品 supervision category.
OBLIGED = "hazardous_chemicals"
_CARD = ", ".join(f"c.{f}" for f in (*PUBLIC_FIELDS, "flagged_at"))


@dataclass(frozen=True)
class DayFilter:
    """Which enterprises: a division code prefix and a GB/T 4754 industry code prefix."""

    prefix: str = ""
    industry: str = ""


def _status_sql(*, scope: Scope, day: datetime.date, now: datetime.datetime,
                where: DayFilter, public: bool = False) -> tuple[str, list]:
    """Every obliged enterprise in scope with its card of `day` (if any) and status."""
    cond, params = scope.sql(division_col="e.division_code", owner_col="e.organisation_id",
                             public=public)
    status, status_params = _status_case(day=day, now=now)
    sql = (
        "SELECT e.id AS enterprise_id, e.name, e.division_code, e.industry, c.id AS card_id, "
        f"{_CARD}, {status} AS status "
        "FROM registry_enterprise e LEFT JOIN monitoring_commitment c "
        "  ON c.enterprise_id = e.id AND c.day = %s "
        f"WHERE e.status = 'registered' AND %s = ANY(e.categories) AND ({cond}) "
        "  AND e.division_code LIKE %s AND e.industry LIKE %s")
    return sql, [*status_params, day, OBLIGED, *params, _like(where.prefix),
                 _like(where.industry)]


def _status_case(*, day: datetime.date, now: datetime.datetime) -> tuple[str, list]:
    """The status of card `c` (NULL: none) of `day` at `now`, the rules of `deadline.py`:
    filed before the deadline → reported, after → late; none → missing once the deadline
    has passed, pending before."""
    due = deadline(day)
    return ("CASE WHEN c.id IS NULL THEN "
            "  CASE WHEN %s >= %s THEN 'missing' ELSE 'pending' END "
            "  WHEN c.filed_at < %s THEN 'reported' ELSE 'late' END", [now, due, due])


def commitment_status_sql(*, day: datetime.date,
                          now: datetime.datetime) -> tuple[str, list]:
    """Every obliged enterprise's commitment status of `day` as known at `now`, as the
    text and parameters of a subquery `(enterprise_id, status)`, for set-based reads over
    every enterprise at once (the dynamic risk run); unscoped, the caller's statement
    scopes. Enterprises not obliged have no row. A card filed after `now` counts as not
    yet filed, so a run replayed at a past instant (the demo's past days) sees that
    instant's status."""
    status, params = _status_case(day=day, now=now)
    sql = (f"SELECT e.id AS enterprise_id, {status} AS status "
           "FROM registry_enterprise e LEFT JOIN monitoring_commitment c "
           "  ON c.enterprise_id = e.id AND c.day = %s AND c.filed_at <= %s "
           "WHERE e.status = 'registered' AND %s = ANY(e.categories)")
    return sql, [*params, day, now, OBLIGED]


def _like(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# Orders of the day's rows: a supervisor's list puts what needs chasing first; the public
# board (企业状态公告) is a board of the day's commitments, so the filed cards come first and
# those without one (still due, missing) follow — listed, never hidden.
ORDERS = {"worst": ("missing", "late", "pending", "reported"),
          "board": ("reported", "late", "pending", "missing")}


def commitment_day_rows(*, scope: Scope, day: datetime.date, now: datetime.datetime,
                        where: DayFilter = DayFilter(), status: str = "",
                        public: bool = False, order: str = "worst") -> list[dict]:
    """One dict per enterprise: its name, place, industry, status and card columns
    (None without a card), by status in the `ORDERS[order]` sequence (worst first by
    default), then by name."""
    sql, params = _status_sql(scope=scope, day=day, now=now, where=where, public=public)
    outer = f"SELECT * FROM ({sql}) s"
    if status:
        outer += " WHERE s.status = %s"
        params.append(status)
    outer += " ORDER BY array_position(%s::text[], s.status), s.name, s.enterprise_id"
    params.append(list(ORDERS[order]))
    return _fetch(outer, params)


def commitment_day_counts(*, scope: Scope, day: datetime.date, now: datetime.datetime,
                          where: DayFilter = DayFilter()) -> dict[str, int]:
    """How many enterprises have each status (every status present, zeros included)."""
    sql, params = _status_sql(scope=scope, day=day, now=now, where=where)
    rows = _fetch(f"SELECT s.status, count(*) AS n FROM ({sql}) s GROUP BY s.status", params)
    counts = {value: 0 for value in Status.values}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def commitment_day_by_division(*, scope: Scope, day: datetime.date, now: datetime.datetime,
                               parent: Division, where: DayFilter = DayFilter()) -> list[dict]:
    """The counts per status for each child division of `parent` (the drill-down), in one
    statement: a child's enterprises are those whose code starts with its prefix."""
    children = list(Division.objects.filter(parent=parent).order_by("code")
                    .values_list("code", "name", "level"))
    if not children:
        return []
    codes = [c for c, _, _ in children]
    names = [n for _, n, _ in children]
    prefixes = [c[:LEVEL_DIGITS[lvl]] for c, _, lvl in children]
    sql, params = _status_sql(scope=scope, day=day, now=now, where=where)
    rows = _fetch(
        "SELECT d.code, d.name, d.prefix, "
        + ", ".join(f"count(s.enterprise_id) FILTER (WHERE s.status = '{v}') AS {v}"
                    for v in Status.values)
        + f" FROM unnest(%s::text[], %s::text[], %s::text[]) AS d(code, name, prefix)"
        f" LEFT JOIN ({sql}) s ON left(s.division_code, length(d.prefix)) = d.prefix"
        " GROUP BY d.code, d.name, d.prefix ORDER BY d.code",
        [codes, names, prefixes, *params])
    for row in rows:
        row["total"] = sum(row[v] for v in Status.values)
    return rows


def commitment_get(*, scope: Scope, enterprise_id: int,
                   day: datetime.date) -> Commitment | None:
    """The enterprise's card of `day`, if the caller may see it."""
    return scope.filter(Commitment.objects.select_related("enterprise"),
                        division_field="division_code", owner_field="organisation").filter(
        enterprise_id=enterprise_id, day=day).first()


def commitments_recent(*, scope: Scope, enterprise_id: int, limit: int = 14) -> list[Commitment]:
    """The enterprise's latest cards in scope, newest first."""
    return list(scope.filter(Commitment.objects.all(), division_field="division_code",
                             owner_field="organisation").filter(
        enterprise_id=enterprise_id).order_by("-day")[:limit])


def enterprises_to_commit(*, user, day: datetime.date):
    """The user's own obliged enterprise while its card of `day` is not filed; None for
    users who file nothing (the header's work queue)."""
    rows = authority.owned_rows(user, enterprises_scoped(scope=scope_for_user_id(user.pk)))
    if rows is None:
        return None
    return rows.filter(status="registered", categories__contains=[OBLIGED]).exclude(
        commitments__day=day)
