"""Statistics and the performance score per grid (网格考核), one grouped statement per level.

For the cells of one level in the caller's scope (optionally under one parent cell), each
with the subtree below it: enterprises assigned, confirmed (确权) and disputed; patrols
started and check-ins made in the period; enterprises visited (an assigned enterprise with
at least one check-in in the period) and coverage = visited / assigned; and the terms other
slices register.

A term registers from the giving slice's `grid_terms.py` (geo.slices), so this slice never
imports it — the hidden-danger slice adds "found" and "closed" like this::

    @grid_term(10, "dangers_found", gettext_lazy("发现隐患"))
    def dangers_found(period: Period) -> tuple[str, list]:
        return ("SELECT enterprise_id, count(*) AS value FROM enforcement_hiddendanger"
                " WHERE found_at >= %s AND found_at < %s GROUP BY enterprise_id",
                [period.since, period.until])

    @grid_term(11, "dangers_closed", gettext_lazy("隐患清零"), weight=2,
               rate=lambda f: f["dangers_closed"] / f["dangers_found"]
               if f["dangers_found"] else None)
    def dangers_closed(period): ...

Its SQL gives a value per enterprise; the statement adds them up per cell through the
enterprises' assignments.

The score (0-100) is the weighted mean of the rates that apply to the cell: confirmation
(confirmed / assigned, weight 3), coverage (weight 5), and each registered term's rate with
its weight; a rate is left out when it has nothing to measure (no enterprise assigned, no
hidden danger found), and the score is None when no rate applies.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils.functional import Promise

from geo.scope import Scope
from geo.slices import SliceRegistry

CONFIRMATION_WEIGHT, COVERAGE_WEIGHT = 3.0, 5.0


@dataclass(frozen=True)
class Period:
    since: datetime.datetime
    until: datetime.datetime


Sql = Callable[[Period], tuple[str, list]]
Rate = Callable[[dict], float | None]


@dataclass(frozen=True)
class Term:
    order: int
    key: str            # a column name: letters, digits, underscores
    label: str | Promise
    sql: Sql            # SELECT enterprise_id, value … for the period
    weight: float = 0.0
    rate: Rate | None = None


_terms: SliceRegistry[Term] = SliceRegistry("grid_terms", "grid score term")


def grid_term(order: int, key: str, label: str | Promise, *, weight: float = 0.0,
              rate: Rate | None = None) -> Callable[[Sql], Sql]:
    """Register the decorated `(Period) -> (sql, params)` as a term of the grid figures."""
    if not key.isidentifier() or not key.isascii():
        raise ValueError(f"grid term key {key!r} must be a plain identifier")

    def register(sql: Sql) -> Sql:
        _terms.add(key, Term(order, key, label, sql, weight, rate))
        return sql
    return register


def grid_terms() -> list[Term]:
    return sorted(_terms.all(), key=lambda t: (t.order, t.key))


@dataclass(frozen=True)
class GridFigures:
    cell_id: int
    code: str
    name: str
    level: int
    assigned: int
    confirmed: int
    disputed: int
    patrols: int
    checkins: int
    visited: int
    terms: dict[str, int] = field(default_factory=dict)
    score: float | None = None

    @property
    def coverage(self) -> float | None:
        return self.visited / self.assigned if self.assigned else None

    @property
    def term_values(self) -> list[tuple[str, int]]:
        return list(self.terms.items())

    @property
    def confirmation(self) -> float | None:
        return self.confirmed / self.assigned if self.assigned else None


FIGURES_SQL = """
WITH RECURSIVE roots AS (
  SELECT c.id, c.code, c.name, c.level FROM geo_gridcell c
  WHERE c.level = %s AND {cells} AND (%s::bigint IS NULL OR c.parent_id = %s)
), tree(root, id) AS (
  SELECT id, id FROM roots
  UNION ALL SELECT t.root, c.id FROM geo_gridcell c JOIN tree t ON c.parent_id = t.id
), asg AS (
  SELECT t.root, a.enterprise_id, a.state FROM tree t
  JOIN enforcement_gridassignment a ON a.cell_id = t.id WHERE {assignments}
), claims AS (
  SELECT root, count(*) AS assigned, count(*) FILTER (WHERE state = 'confirmed') AS confirmed,
         count(*) FILTER (WHERE state = 'disputed') AS disputed FROM asg GROUP BY root
), rounds AS (
  SELECT t.root, count(DISTINCT p.id) AS patrols, count(k.id) AS checkins FROM tree t
  JOIN enforcement_patrol p ON p.cell_id = t.id
  LEFT JOIN enforcement_checkin k ON k.patrol_id = p.id AND k.at >= %s AND k.at < %s
  WHERE p.started_at >= %s AND p.started_at < %s GROUP BY t.root
), visits AS (
  SELECT a.root, count(DISTINCT a.enterprise_id) AS visited FROM asg a
  WHERE EXISTS (SELECT 1 FROM enforcement_checkin k WHERE k.enterprise_id = a.enterprise_id
                AND k.at >= %s AND k.at < %s) GROUP BY a.root
){terms}
SELECT r.id, r.code, r.name, r.level, COALESCE(cl.assigned, 0), COALESCE(cl.confirmed, 0),
       COALESCE(cl.disputed, 0), COALESCE(ro.patrols, 0), COALESCE(ro.checkins, 0),
       COALESCE(v.visited, 0){term_columns}
FROM roots r LEFT JOIN claims cl ON cl.root = r.id LEFT JOIN rounds ro ON ro.root = r.id
LEFT JOIN visits v ON v.root = r.id{term_joins}
ORDER BY r.code
"""


def _terms_sql(terms: list[Term], period: Period) -> tuple[str, str, str, list]:
    ctes, columns, joins, params = [], [], [], []
    for term in terms:
        sql, values = term.sql(period)
        ctes.append(f", term_{term.key} AS (SELECT a.root, sum(x.value) AS value FROM asg a"
                    f" JOIN ({sql}) x ON x.enterprise_id = a.enterprise_id GROUP BY a.root)")
        columns.append(f", COALESCE(term_{term.key}.value, 0)")
        joins.append(f" LEFT JOIN term_{term.key} ON term_{term.key}.root = r.id")
        params.extend(values)
    return "".join(ctes), "".join(columns), "".join(joins), params


def grid_figures(*, scope: Scope, level: int, period: Period,
                 parent_id: int | None = None) -> list[GridFigures]:
    """The figures and score of every cell of `level` in `scope` (under `parent_id` if
    given), each over its subtree, in ONE statement."""
    cells, cell_params = scope.sql(division_col="c.division_code", owner_col=None)
    mine, mine_params = scope.sql(division_col="a.division_code", owner_col="a.organisation_id")
    terms = grid_terms()
    term_ctes, term_columns, term_joins, term_params = _terms_sql(terms, period)
    sql = FIGURES_SQL.format(cells=cells, assignments=mine, terms=term_ctes,
                             term_columns=term_columns, term_joins=term_joins)
    params = [level, *cell_params, parent_id, parent_id, *mine_params,
              period.since, period.until, period.since, period.until,
              period.since, period.until, *term_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_figures(row, terms) for row in rows]


def _figures(row: tuple, terms: list[Term]) -> GridFigures:
    values = {t.key: int(v) for t, v in zip(terms, row[10:], strict=True)}
    figures = GridFigures(*row[:4], *(int(v) for v in row[4:10]), terms=values)
    return GridFigures(**{**figures.__dict__, "score": score(figures, terms)})


def score(figures: GridFigures, terms: list[Term]) -> float | None:
    """The weighted mean of the applicable rates, 0-100, one decimal."""
    rates = [(figures.confirmation, CONFIRMATION_WEIGHT), (figures.coverage, COVERAGE_WEIGHT)]
    rates += [(t.rate(figures.terms), t.weight) for t in terms if t.rate and t.weight]
    used = [(min(max(r, 0.0), 1.0), w) for r, w in rates if r is not None]
    if not used:
        return None
    return round(100 * sum(r * w for r, w in used) / sum(w for _r, w in used), 1)


SCREEN_SQL = """
SELECT (SELECT count(*) FROM geo_gridcell c WHERE {cells}),
       count(*), count(*) FILTER (WHERE a.state = 'confirmed'),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM enforcement_checkin k
                        WHERE k.enterprise_id = a.enterprise_id AND k.at >= %s)),
       (SELECT count(*) FROM enforcement_patrol p WHERE p.started_at >= %s AND {patrols})
FROM enforcement_gridassignment a WHERE {assignments}
"""


@dataclass(frozen=True)
class ScreenCounts:
    cells: int
    assigned: int
    confirmed: int
    visited: int   # assigned enterprises with a check-in since `since`
    patrols: int   # patrols started since `today`


def grid_screen_counts(*, scope: Scope, since: datetime.datetime,
                       today: datetime.datetime) -> ScreenCounts:
    """The large screen's grid figures in `scope`, in ONE statement."""
    cells, p1 = scope.sql(division_col="c.division_code", owner_col=None)
    patrols, p2 = scope.sql(division_col="p.division_code", owner_col=None)
    mine, p3 = scope.sql(division_col="a.division_code", owner_col="a.organisation_id")
    sql = SCREEN_SQL.format(cells=cells, patrols=patrols, assignments=mine)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*p1, since, today, *p2, *p3])
        return ScreenCounts(*cursor.fetchone())
