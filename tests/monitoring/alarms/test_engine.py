"""The vectorised engine alone: hysteresis, on-delay, rate, flat line, several sensors in
one batch, and the same alarms however the readings are cut into batches."""

from __future__ import annotations

import numpy as np
import pytest

from monitoring.alarms.engine import Params, State, Transition, evaluate

NAN = np.nan


def params(n: int = 1, **kw) -> Params:
    base = dict(ll=[NAN], low=[NAN], high=[16.0], hh=[18.0], deadband=[0.2],
                min_duration=[3.0], rate_max=[NAN], rate_duration=[0.0], flat_window=[NAN],
                flat_tolerance=[0.0])
    base.update(kw)
    return Params(**{k: np.array(v * n if len(v) == 1 else v, dtype=float)
                     for k, v in base.items()})


LEVEL = [15, 16, 16.1, 15.9, 16.2, 16.3, 17, 18, 18.1, 17.9, 17.95, 17.7, 17, 16, 15.9,
         15.85, 15.7, 15, 14, 13.0]


def run(values, p=None, sensors=None, t=None):
    v = np.array(values, dtype=float)
    s = np.zeros(len(v), np.int64) if sensors is None else np.array(sensors)
    t = np.arange(len(v), dtype=float) if t is None else np.array(t, dtype=float)
    return evaluate(s, t, v, p or params(), State.empty(int(s.max()) + 1))


def test_hysteresis_and_on_delay():
    _state, out = run(LEVEL)
    # H entered at 1 s (16.0), still inside its dead band at 15.9, raised after 3 s;
    # HH at once (same direction); HH left below 17.8; H left below 15.8
    assert out == [Transition(0, "threshold", 4.0, 16.2, 2),
                   Transition(0, "threshold", 7.0, 18.0, 1),
                   Transition(0, "threshold", 11.0, 17.7, 2),
                   Transition(0, "threshold", 16.0, 15.7, 0)]


def test_a_short_excursion_raises_nothing():
    assert run([15, 16.5, 17, 15.5, 15])[1] == []


@pytest.mark.parametrize("cut", [1, 5, 7, 8, 11, 16, 19])
def test_the_same_alarms_whatever_the_batches(cut):
    whole = run(LEVEL)[1]
    v, t, s = np.array(LEVEL, float), np.arange(len(LEVEL), dtype=float), np.zeros(20, np.int64)
    first, a = evaluate(s[:cut], t[:cut], v[:cut], params(), State.empty(1))
    _last, b = evaluate(s[cut:], t[cut:], v[cut:], params(), first)
    assert a + b == whole


def test_low_alarms_and_several_sensors_at_once():
    p = params(2, ll=[1.0], low=[2.0], high=[16.0], hh=[18.0], min_duration=[0.0])
    values = [5, 1.9, 0.9, 3] + [10, 17, 19, 12]
    _s, out = run(values, p, sensors=[0] * 4 + [1] * 4, t=[0, 1, 2, 3] * 2)
    assert [(tr.sensor, tr.at, tr.level) for tr in out] == [
        (0, 1.0, -2), (1, 1.0, 2), (0, 2.0, -1), (1, 2.0, 1), (0, 3.0, 0), (1, 3.0, 0)]


def test_rate_of_change_held_for_its_duration():
    p = params(hh=[NAN], high=[NAN], rate_max=[3.0], rate_duration=[2.0])
    # 0.1 m/s = 6 m/min from 3 s to 8 s
    values = [5, 5, 5, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.6, 5.6]
    _s, out = run(values, p)
    assert [(tr.kind, tr.at, tr.level) for tr in out] == [("rate", 5.0, 1), ("rate", 9.0, 0)]


def test_a_flat_line_is_a_stuck_transmitter():
    p = params(hh=[NAN], high=[NAN], flat_window=[4.0], flat_tolerance=[0.0])
    values = [20.1, 20.3, 20.2, 20.2, 20.2, 20.2, 20.2, 20.2, 20.4]
    _s, out = run(values, p)
    assert [(tr.kind, tr.at, tr.level) for tr in out] == [("flatline", 6.0, 1),
                                                          ("flatline", 8.0, 0)]
