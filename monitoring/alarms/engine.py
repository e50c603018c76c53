"""Alarm conditions of a batch of readings, vectorised (numpy, no loop over readings).

The readings of one batch, sorted by (sensor, time), form one segment per sensor. Each
condition is a flag per reading that holds for a while; what a sensor carried into the
batch (`State`) continues its segment, so a batch split anywhere gives the same alarms as
one batch. Four kinds of condition:

- threshold with hysteresis (回差): a band is entered at its limit (v ≥ H, v ≤ L) and left
  only past the limit less the dead band (v < H − db, v > L + db); the sensor's condition
  is its worst band (level 1 = HH / LL, 2 = H / L), raised once its direction has held for
  `min_duration` (an H alarm that reaches HH is raised to level 1 at once);
- rate of change: |Δv / Δt| above the sensor's limit per minute, held for `min_duration`;
- flat line (stuck transmitter): successive values within `tolerance` for `window` s;
- (offline and multi-point combinations are judged from the sensors' state, not from a
  batch: `services`.)

`evaluate` returns the state after the batch and the transitions in sample order, which
the services turn into alarms (few per batch, so those are plain Python).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THRESHOLD, RATE, FLATLINE = "threshold", "rate", "flatline"
KINDS = (THRESHOLD, RATE, FLATLINE)


@dataclass
class Params:
    """Per sensor (arrays aligned with `sensors`): limits (NaN = not set) and timings."""

    ll: np.ndarray
    low: np.ndarray
    high: np.ndarray
    hh: np.ndarray
    deadband: np.ndarray       # absolute, in the sensor's unit
    min_duration: np.ndarray   # s, threshold on-delay
    rate_max: np.ndarray       # per minute; NaN = no rate rule
    rate_duration: np.ndarray  # s
    flat_window: np.ndarray    # s; NaN = no flat-line rule
    flat_tolerance: np.ndarray


@dataclass
class State:
    """What each sensor carries from one batch to the next (arrays aligned with sensors).

    `band_*`: hysteresis band membership; `*_since`: when the current run of a condition
    began (NaN = not running); `raised`: the threshold alarm's level, signed by direction
    (0 none, ±1 HH / LL, ±2 H / L); `rate_raised`, `flat_raised`: flags; `prev_t`,
    `prev_v`: the last evaluated reading (NaN = none)."""

    band_hh: np.ndarray
    band_h: np.ndarray
    band_l: np.ndarray
    band_ll: np.ndarray
    cond_since: np.ndarray
    raised: np.ndarray
    rate_since: np.ndarray
    rate_raised: np.ndarray
    flat_since: np.ndarray
    flat_raised: np.ndarray
    prev_t: np.ndarray
    prev_v: np.ndarray

    @classmethod
    def empty(cls, n: int) -> State:
        false, nan, zero = np.zeros(n, bool), np.full(n, np.nan), np.zeros(n, np.int8)
        return cls(false.copy(), false.copy(), false.copy(), false.copy(), nan.copy(),
                   zero.copy(), nan.copy(), false.copy(), nan.copy(), false.copy(),
                   nan.copy(), nan.copy())


@dataclass(frozen=True)
class Transition:
    """A change of a sensor's alarm in sample order: `level` 0 clears, else the new level
    (threshold: signed as `State.raised`; rate and flat line: 1)."""

    sensor: int   # index into the batch's sensors
    kind: str
    at: float     # epoch seconds of the reading that made it
    value: float
    level: int


def evaluate(sensors: np.ndarray, t: np.ndarray, v: np.ndarray, params: Params,
             state: State) -> tuple[State, list[Transition]]:
    """`sensors[i]` (index into the per-sensor arrays), time `t` (s) and value `v` of each
    reading, sorted by (sensor, t) and newer than the sensor's `prev_t`."""
    if len(t) == 0:
        return state, []
    seg = _Segments(sensors)
    new = State(**{k: getattr(state, k).copy() for k in State.__dataclass_fields__})
    out: list[Transition] = []
    prev_v = seg.previous(v, state.prev_v)
    prev_t = seg.previous(t, state.prev_t)
    out += _thresholds(seg, t, v, params, state, new)
    out += _rate(seg, t, v, prev_t, prev_v, params, state, new)
    out += _flatline(seg, t, v, prev_v, params, state, new)
    last = seg.last
    new.prev_t[seg.ids] = t[last]
    new.prev_v[seg.ids] = v[last]
    out.sort(key=lambda tr: (tr.at, tr.sensor, KINDS.index(tr.kind)))
    return new, out


class _Segments:
    """Index arithmetic over readings grouped by sensor."""

    def __init__(self, sensors: np.ndarray):
        self.sensors = sensors
        n = len(sensors)
        starts = np.flatnonzero(np.r_[True, sensors[1:] != sensors[:-1]])
        self.ids = sensors[starts]                 # the sensors present, in order
        self.start = np.repeat(starts, np.diff(np.r_[starts, n]))  # per row
        self.first = starts
        self.last = np.r_[starts[1:], n] - 1
        self.index = np.arange(n)

    def last_where(self, flag: np.ndarray) -> np.ndarray:
        """Per row, the index of the latest row of its segment up to it where `flag`
        holds; −1 when none (global indices only grow, so earlier segments never win)."""
        idx = np.maximum.accumulate(np.where(flag, self.index, -1))
        return np.where(idx >= self.start, idx, -1)

    def previous(self, x: np.ndarray, carried: np.ndarray) -> np.ndarray:
        """Per row, the value of the row before it in its segment, or the carried one."""
        out = np.empty_like(x, dtype=float)
        out[1:] = x[:-1]
        out[self.first] = carried[self.ids]
        return out

    def carried(self, arr: np.ndarray) -> np.ndarray:
        return arr[self.sensors]


def _band(seg: _Segments, enter: np.ndarray, leave: np.ndarray, was: np.ndarray
          ) -> np.ndarray:
    """Hysteresis membership per row: the later of the last entry and last exit wins;
    neither yet in the segment: what the sensor carried in."""
    entered, left = seg.last_where(enter), seg.last_where(leave)
    return np.where((entered >= 0) | (left >= 0), entered > left, seg.carried(was))


def _held(seg: _Segments, t: np.ndarray, key: np.ndarray, carried_key: np.ndarray,
          since: np.ndarray) -> np.ndarray:
    """When the current run of `key` (a flag or a signed direction, on where non-zero)
    began, per row; NaN where it is off. A run restarts where the key changes; the first
    row of a segment continues the carried run when it has the carried key."""
    prev = np.empty_like(key)
    prev[1:] = key[:-1]
    prev[seg.first] = carried_key[seg.ids]
    run = seg.last_where(key != prev)
    began = np.where(run >= 0, t[np.maximum(run, 0)], seg.carried(since))
    began = np.where(np.isnan(began), t, began)
    return np.where(key != 0, began, np.nan)


def _direction(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    return np.where(high, 1, np.where(low, -1, 0)).astype(np.int8)


def _thresholds(seg, t, v, p: Params, s: State, new: State) -> list[Transition]:
    db = seg.carried(p.deadband)
    bands = {}
    with np.errstate(invalid="ignore"):
        for name, limit, upper in (("hh", p.hh, True), ("h", p.high, True),
                                   ("l", p.low, False), ("ll", p.ll, False)):
            lim = seg.carried(limit)
            enter = v >= lim if upper else v <= lim
            leave = (v < lim - db if upper else v > lim + db) | np.isnan(lim)
            bands[name] = _band(seg, enter, leave, getattr(s, f"band_{name}"))
    cond = np.select([bands["hh"], bands["h"], bands["ll"], bands["l"]], [2, 1, -2, -1], 0)
    # levels: 1 = HH / LL, 2 = H / L, signed by direction (+ high, − low)
    level = np.select([cond == 2, cond == 1, cond == -2, cond == -1], [1, 2, -1, -2], 0)
    direction = np.sign(cond).astype(np.int8)
    carried = _direction(s.band_hh | s.band_h, s.band_ll | s.band_l)
    since = _held(seg, t, direction, carried, s.cond_since)
    held = ~np.isnan(since) & (t - since >= seg.carried(p.min_duration))
    raised = np.where(held, level, 0).astype(np.int8)
    for name in ("hh", "h", "l", "ll"):
        getattr(new, f"band_{name}")[seg.ids] = bands[name][seg.last]
    new.cond_since[seg.ids] = since[seg.last]
    new.raised[seg.ids] = raised[seg.last]
    return _changes(seg, t, v, raised, s.raised, THRESHOLD)


def _rate(seg, t, v, prev_t, prev_v, p: Params, s: State, new: State) -> list[Transition]:
    limit = seg.carried(p.rate_max)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.abs(v - prev_v) / (t - prev_t) * 60.0
        fast = (rate > limit) & ~np.isnan(limit)
    since = _held(seg, t, fast.astype(np.int8), (~np.isnan(s.rate_since)).astype(np.int8),
                  s.rate_since)
    raised = ~np.isnan(since) & (t - since >= seg.carried(p.rate_duration))
    new.rate_since[seg.ids] = since[seg.last]
    new.rate_raised[seg.ids] = raised[seg.last]
    return _changes(seg, t, v, raised.astype(np.int8), s.rate_raised.astype(np.int8), RATE)


def _flatline(seg, t, v, prev_v, p: Params, s: State, new: State) -> list[Transition]:
    window = seg.carried(p.flat_window)
    with np.errstate(invalid="ignore"):
        moved = np.abs(v - prev_v) > seg.carried(p.flat_tolerance)
    watched = ~np.isnan(window)
    # a flat run starts at the last reading that moved (or the first ever seen)
    run = seg.last_where(moved | np.isnan(prev_v))
    began = np.where(run >= 0, t[np.maximum(run, 0)], seg.carried(s.flat_since))
    began = np.where(np.isnan(began), t, began)
    began = np.where(watched, began, np.nan)
    raised = watched & (t - began >= window)
    new.flat_since[seg.ids] = began[seg.last]
    new.flat_raised[seg.ids] = raised[seg.last]
    return _changes(seg, t, v, raised.astype(np.int8), s.flat_raised.astype(np.int8),
                    FLATLINE)


def _changes(seg: _Segments, t, v, level: np.ndarray, carried: np.ndarray, kind: str
             ) -> list[Transition]:
    prev = np.empty_like(level)
    prev[1:] = level[:-1]
    prev[seg.first] = carried[seg.ids]
    rows = np.flatnonzero(level != prev)
    return [Transition(int(seg.sensors[i]), kind, float(t[i]), float(v[i]), int(level[i]))
            for i in rows]
