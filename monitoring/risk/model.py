"""The dynamic risk model (动态风险模型) as data: our own, versioned (docs/dynamic-risk.md).

No national formula turns alarms plus static data into an enterprise's risk level
(domain reference §3.4), so every weight and band is here, in one document whose
`version` is stored on every score. A change of any number is a new version.
"""

from __future__ import annotations

from typing import Final

MODEL: Final[dict] = {
    "version": "risk-1.2",
    # static grade (静态风险): the worst GB 18218 level of the enterprise's major hazard
    # sources, its own four-colour grade from risk assessment (风险分级, the registry's
    # risk_level: 1 红 .. 4 蓝), or its q/Q sum Σ S over all its units, whichever weighs most
    "static": {"level_points": {1: 40, 2: 30, 3: 20, 4: 10},
               "grade_points": {1: 40, 2: 30, 3: 20, 4: 10}, "per_s": 10, "s_cap": 20},
    # open alarms (未解除报警) by alarm level 1 (HH/LL, combinations) .. 4 (no data, offline)
    "alarms": {"points": {1: 8, 2: 4, 3: 2, 4: 1}, "cap": 25},
    # open warnings (未关闭预警) by level 1 红 .. 4 蓝
    "warnings": {"points": {1: 15, 2: 8, 3: 4, 4: 2}, "cap": 25},
    # handling time (处置时长): each open alarm not yet handled (no 处置反馈) adds
    # `per_alarm` × hours open / `full_hours`, at most `per_alarm`
    "handling": {"per_alarm": 4, "full_hours": 24, "cap": 10},
    # the daily commitment (每日承诺) by the day's status at the run
    # (`commitments.selectors.commitment_status_sql`, the rules of commitments/deadline.py):
    # on time (reported), late, missing once the deadline has passed; `neutral` before the
    # deadline (pending) and for enterprises not obliged to commit. risk-1.0 had the same
    # points but no input wired in, so every enterprise had the neutral term.
    "commitment": {"points": {"reported": 0, "late": 5, "missing": 10}, "neutral": 0},
    # device online rate (设备在线率): `points` × share of in-use gateways offline;
    # an enterprise without gateways is neutral (0)
    "online": {"points": 10},
    "cap": 100,
    # level bands on the score: 1 红 重大 ≥ 70, 2 橙 较大 ≥ 50, 3 黄 一般 ≥ 30, else 4 蓝 低
    "bands": [[70, 1], [50, 2], [30, 3]],
}


def version() -> str:
    return MODEL["version"]


def level_for(score: float) -> int:
    """The level (1 red .. 4 blue) of a score, as the SQL computes it."""
    for bound, level in MODEL["bands"]:
        if score >= bound:
            return level
    return 4
