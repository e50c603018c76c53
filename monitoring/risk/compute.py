"""The dynamic risk run in SQL: one statement scores every enterprise, one aggregates
the scores to divisions (ADR 0021). The weights come from `model.MODEL` as parameters;
the inputs from the selectors of the slices that own them."""

from __future__ import annotations

from datetime import date, datetime

from geo.models import LEVEL_DIGITS, Division
from layers.base import registry
from monitoring.alarms.selectors import open_alarms_sql, open_warnings_sql
from monitoring.devices.models import Gateway
from monitoring.risk.models import EnterpriseRisk, RegionRisk
from registry.hazards.selectors import hazard_grades_sql

# A commitments input giving no rows: every enterprise gets the model's neutral term.
NO_COMMITMENTS = ("SELECT NULL::bigint AS enterprise_id, NULL::text AS status WHERE false", [])
AGGREGATED = ("province", "city", "county", "town")  # a park is a town-level division

TERMS = ["static_term", "alarm_term", "warning_term", "handling_term", "commitment_term",
         "online_term"]
COUNTS = ["hazard_level", "s_sum", "open_alarms", "open_warnings", "online_rate"]


def _case(column: str, points: dict, default: str = "0") -> tuple[str, list]:
    """CASE column WHEN k THEN %s … ELSE default END, with the points as parameters."""
    whens = " ".join("WHEN %s THEN %s::float8" for _ in points)
    params = [p for k, v in points.items() for p in (k, v)]
    return f"CASE {column} {whens} ELSE {default} END", params


def _bands(column: str, model: dict) -> tuple[str, list]:
    whens = " ".join(f"WHEN {column} >= %s THEN %s" for _ in model["bands"])
    return f"CASE {whens} ELSE 4 END", [p for pair in model["bands"] for p in pair]


def enterprise_sql(model: dict, *, now: datetime, day: date,
                   commitments: tuple[str, list] | None) -> tuple[str, list]:
    """INSERT … SELECT of every registered enterprise's score for `day`, upserted.
    `commitments` is the subquery `(enterprise_id, status)` and its parameters; a status
    without points in the model (pending, before the deadline) or no row is neutral."""
    commitments_sql, p_c = commitments or NO_COMMITMENTS
    st, al, wa, ha, co, on = (model[k] for k in ("static", "alarms", "warnings", "handling",
                                                  "commitment", "online"))
    level_pts, p1 = _case("h.worst_level", st["level_points"])
    grade_pts, p1g = _case("e.risk_level", st["grade_points"])
    alarm_pts, p2 = _case("x.level", al["points"])
    warn_pts, p3 = _case("x.level", wa["points"])
    commit_pts, p4 = _case("c.status", co["points"], "%s::float8")
    p4.append(co["neutral"])
    score = "least(%s, " + " + ".join(f"t.{term}" for term in TERMS) + ")"
    bands, p5 = _bands("s.score", model)
    enterprises = registry.get("enterprises").table()
    gateways = Gateway._meta.db_table
    columns = ["enterprise_id", "name", "industry", "division_code", "organisation_id", "geom",
               *TERMS, *COUNTS]
    sql = f"""
WITH h AS ({hazard_grades_sql()}),
a AS (SELECT x.enterprise_id, count(*) AS n, least(%s, sum({alarm_pts})) AS pts,
             least(%s, sum(CASE WHEN x.handled_at IS NULL THEN %s * least(1.0, greatest(0.0,
               extract(epoch FROM (%s - x.raised_at)) / 3600.0 / %s)) ELSE 0 END)) AS hpts
      FROM ({open_alarms_sql()}) x GROUP BY x.enterprise_id),
w AS (SELECT x.enterprise_id, count(*) AS n, least(%s, sum({warn_pts})) AS pts
      FROM ({open_warnings_sql()}) x GROUP BY x.enterprise_id),
g AS (SELECT enterprise_id, (count(*) FILTER (WHERE online))::float8 / count(*) AS rate
      FROM "{gateways}" WHERE in_use GROUP BY enterprise_id),
c AS ({commitments_sql}),
t AS (SELECT e.id AS enterprise_id, e.name, e.industry, e.division_code, e.organisation_id,
             e.geom,
             round(greatest({level_pts}, {grade_pts},
                            least(%s, %s * coalesce(h.s_sum, 0)))::numeric, 2)
               ::float8 AS static_term,
             coalesce(a.pts, 0) AS alarm_term, coalesce(w.pts, 0) AS warning_term,
             round(coalesce(a.hpts, 0)::numeric, 2)::float8 AS handling_term,
             {commit_pts} AS commitment_term,
             round(CASE WHEN g.rate IS NULL THEN 0 ELSE %s * (1 - g.rate) END::numeric, 2)
               ::float8 AS online_term,
             h.worst_level AS hazard_level, round(coalesce(h.s_sum, 0)::numeric, 4)::float8
               AS s_sum, coalesce(a.n, 0) AS open_alarms, coalesce(w.n, 0) AS open_warnings,
             g.rate AS online_rate
      FROM "{enterprises}" e LEFT JOIN h ON h.enterprise_id = e.id
        LEFT JOIN a ON a.enterprise_id = e.id LEFT JOIN w ON w.enterprise_id = e.id
        LEFT JOIN g ON g.enterprise_id = e.id LEFT JOIN c ON c.enterprise_id = e.id
      WHERE e.status <> 'cancelled'),
s AS (SELECT t.*, {score} AS score FROM t)
INSERT INTO "{EnterpriseRisk._meta.db_table}" ({", ".join(columns)}, score, level, day, as_of,
  current, model_version)
SELECT {", ".join("s." + c for c in columns)}, s.score, {bands}, %s, %s, true, %s FROM s
ON CONFLICT (enterprise_id, day) DO UPDATE SET
  {", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:])}, score = EXCLUDED.score,
  level = EXCLUDED.level, as_of = EXCLUDED.as_of, current = true,
  model_version = EXCLUDED.model_version
"""
    params = [al["cap"], *p2, ha["cap"], ha["per_alarm"], now, ha["full_hours"], wa["cap"],
              *p3, *p_c, *p1, *p1g, st["s_cap"], st["per_s"], *p4, on["points"], model["cap"], *p5,
              day, now, model["version"]]
    return sql, params


def region_sql(model: dict, *, now: datetime, day: date) -> tuple[str, list]:
    """INSERT … SELECT of each division's aggregate of this run's enterprise scores."""
    levels = ", ".join(f"('{lv}', {LEVEL_DIGITS[lv]})" for lv in AGGREGATED)
    bands, params = _bands("round(avg(p.score)::numeric, 2)", model)
    counts = ", ".join(f"count(*) FILTER (WHERE p.level = {n}) AS {c}"
                       for n, c in enumerate(("red", "orange", "yellow", "blue"), start=1))
    sql = f"""
WITH p AS (
  SELECT rpad(left(e.division_code, l.digits), 12, '0') AS code, l.lv, e.score, e.level
  FROM "{EnterpriseRisk._meta.db_table}" e CROSS JOIN (VALUES {levels}) AS l(lv, digits)
  WHERE e.day = %s AND e.as_of = %s),
r AS (SELECT p.code, p.lv, round(avg(p.score)::numeric, 2)::float8 AS score,
             max(p.score) AS max_score, {bands} AS level, count(*) AS enterprises, {counts}
      FROM p GROUP BY p.code, p.lv)
INSERT INTO "{RegionRisk._meta.db_table}" (code, name, division_level, division_code, geom,
  score, max_score, level, enterprises, red, orange, yellow, blue, day, as_of, current,
  model_version)
SELECT d.code, d.name, d.level, d.code, d.geom, r.score, r.max_score, r.level,
       r.enterprises, r.red, r.orange, r.yellow, r.blue, %s, %s, true, %s
FROM r JOIN "{Division._meta.db_table}" d ON d.code = r.code AND d.level = r.lv
ON CONFLICT (code, day) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom,
  score = EXCLUDED.score, max_score = EXCLUDED.max_score, level = EXCLUDED.level,
  enterprises = EXCLUDED.enterprises, red = EXCLUDED.red, orange = EXCLUDED.orange,
  yellow = EXCLUDED.yellow, blue = EXCLUDED.blue, as_of = EXCLUDED.as_of, current = true,
  model_version = EXCLUDED.model_version
"""
    return sql, [day, now, *params, day, now, model["version"]]


def current_sql(table: str, *, now: datetime, day: date) -> tuple[str, list]:
    """Only this run's rows are current: earlier days', and today's rows of what this run
    no longer scored (an enterprise cancelled since the last run)."""
    # this run's rows were written current; touch only the rows that stop being so
    return (f'UPDATE "{table}" SET current = false '
            "WHERE current AND (day <> %s OR as_of <> %s)", [day, now])
