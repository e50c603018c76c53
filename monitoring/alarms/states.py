"""The engine's inputs read from and its state written to the database, for the sensors of
one batch: one query to lock and read, one statement to write back (no query per sensor).

The sensors' state rows are locked (`FOR UPDATE`, in id order) for the batch's
transaction, so two ingest workers with batches of one gateway take turns, and each
reading is evaluated once, in sample order: readings not newer than a sensor's last
evaluated one are left out (a late batch is stored, but it cannot rewrite the past).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.db import connection

from monitoring.alarms.engine import Params, State
from monitoring.alarms.rules import Rules, rules_for, rules_in_force

_BITS = {"hh": 1, "h": 2, "l": 4, "ll": 8}
_STATE = ("bands", "cond_since", "raised", "rate_since", "rate_raised", "flat_since",
          "flat_raised", "prev_t", "prev_v")
_SENSOR = ("id", "indicator", "range_low", "range_high", "threshold_ll", "threshold_l",
           "threshold_h", "threshold_hh", "division_code", "name", "measure_unit", "unit_id",
           "enterprise_id")
_READ = f"""
SELECT {", ".join("s." + c for c in _SENSOR)}, {", ".join("st." + c for c in _STATE)}
FROM monitoring_sensorrulestate st JOIN monitoring_sensor s ON s.id = st.sensor_id
WHERE st.sensor_id = ANY(%s) ORDER BY st.sensor_id FOR UPDATE OF st
"""
# Concurrent first batches of a sensor both insert: the second does nothing, and its
# read then waits for the first's lock.
_MAKE = ("INSERT INTO monitoring_sensorrulestate (sensor_id, bands, raised, rate_raised,"
         " flat_raised) SELECT unnest(%s::int[]), 0, 0, false, false ON CONFLICT DO NOTHING")
_WRITE = f"""
UPDATE monitoring_sensorrulestate st SET {", ".join(f"{c} = u.{c}" for c in _STATE)}
FROM unnest(%s::int[], %s::smallint[], %s::float8[], %s::smallint[], %s::float8[],
            %s::bool[], %s::float8[], %s::bool[], %s::float8[], %s::float8[])
     AS u(sensor_id, {", ".join(_STATE)})
WHERE st.sensor_id = u.sensor_id
"""


@dataclass
class Sensors:
    """The batch's sensors (row i of every array is `ids[i]`) with their rules."""

    ids: np.ndarray
    info: list[dict]
    rules: list[Rules]
    params: Params
    state: State


def sensors_lock(ids: list[int]) -> Sensors:
    """Lock and read the state of `ids` (rows made for sensors seen the first time)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [ids])
        rows = cursor.fetchall()
        if len(rows) < len(ids):  # sensors seen the first time: rows made, all read again
            cursor.execute(_MAKE, [ids])
            cursor.execute(_READ, [ids])
            rows = cursor.fetchall()
    info = [dict(zip(_SENSOR, row[:len(_SENSOR)], strict=True)) for row in rows]
    states = [row[len(_SENSOR):] for row in rows]
    in_force = rules_in_force()
    rules = [rules_for(s["division_code"], in_force) for s in info]
    return Sensors(np.array([s["id"] for s in info], dtype=np.int64), info, rules,
                   _params(info, rules), _state(states))


def sensors_store(sensors: Sensors, state: State) -> None:
    bands = sum(getattr(state, f"band_{k}").astype(np.int16) * b for k, b in _BITS.items())
    columns = [sensors.ids, bands, state.cond_since, state.raised, state.rate_since,
               state.rate_raised, state.flat_since, state.flat_raised, state.prev_t,
               state.prev_v]
    with connection.cursor() as cursor:
        cursor.execute(_WRITE, [_nulls(c) for c in columns])


def _nulls(column: np.ndarray) -> list:
    return [None if isinstance(x, float) and math.isnan(x) else x for x in column.tolist()]


def _f(x) -> float:
    return np.nan if x is None else float(x)


def _params(info: list[dict], rules: list[Rules]) -> Params:
    cols: dict[str, list[float]] = {k: [] for k in Params.__dataclass_fields__}
    for s, r in zip(info, rules, strict=True):
        fraction, min_duration = r.timing(s["indicator"])
        limits = {k: _f(s[f"threshold_{k}"]) for k in ("ll", "l", "h", "hh")}
        cols["ll"].append(limits["ll"])
        cols["low"].append(limits["l"])
        cols["high"].append(limits["h"])
        cols["hh"].append(limits["hh"])
        cols["deadband"].append(fraction * _span(s, limits))
        cols["min_duration"].append(float(min_duration))
        rate, flat = r.first("rate", s["indicator"]), r.first("flatline", s["indicator"])
        cols["rate_max"].append(rate["max_per_minute"] if rate else np.nan)
        cols["rate_duration"].append(rate["min_duration"] if rate else 0.0)
        cols["flat_window"].append(flat["window"] if flat else np.nan)
        cols["flat_tolerance"].append(flat["tolerance"] if flat else 0.0)
    return Params(**{k: np.array(v, dtype=float) for k, v in cols.items()})


def _span(sensor: dict, limits: dict[str, float]) -> float:
    """What the dead band is a fraction of: the range, else the largest limit."""
    low, high = sensor["range_low"], sensor["range_high"]
    if low is not None and high is not None:
        return float(high - low)
    finite = [abs(v) for v in limits.values() if not math.isnan(v)]
    return max(finite, default=0.0)


def _state(rows: list[tuple]) -> State:
    n = len(rows)
    st = State.empty(n)
    if not n:
        return st
    cols = list(zip(*rows, strict=True))
    bands = np.array(cols[0], dtype=np.int16)
    for name, bit in _BITS.items():
        getattr(st, f"band_{name}")[:] = (bands & bit) != 0
    for i, name in enumerate(_STATE[1:], start=1):
        target = getattr(st, name)
        target[:] = np.array([np.nan if x is None else x for x in cols[i]], dtype=target.dtype)
    return st
