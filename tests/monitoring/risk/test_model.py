"""The risk model's result for hand-computed cases, its version on every score, the
aggregation to divisions, and history kept per day (real PostGIS)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geo.scope import scope_for_user
from monitoring.risk.model import MODEL, level_for
from monitoring.risk.models import EnterpriseRisk, RegionRisk
from monitoring.risk.selectors import industry_risk
from monitoring.risk.services import risk_compute
from tests.monitoring.risk.conftest import NOW, alarm

TERMS = ("static_term", "alarm_term", "warning_term", "handling_term", "commitment_term",
         "online_term", "score", "level")


def terms(ent, day=None) -> tuple:
    row = EnterpriseRisk.objects.get(enterprise=ent, day=day or NOW.date())
    return tuple(getattr(row, t) for t in TERMS)


def test_hand_computed_scores(risky):
    run = risk_compute(now=NOW)
    assert (run.enterprises, run.model_version) == (8, "risk-1.2")
    a1, a2, a3 = risky.enterprises_a[:3]
    # A1 static: worst level 2 → 30; its own grade 橙 → 30; Σ S = 3.5 + 0.4 = 3.9 →
    #   min(20, 10 × 3.9) = 20; max(30, 30, 20) = 30
    # alarms open: level 1 (8) + level 2 handled but not released (4) = 12; released: none
    # warnings open: red 15 (the orange one is closed)
    # handling: the unhandled alarm, 6 h open: 4 × 6 / 24 = 1.0; the handled one: 0
    # commitment: not obliged to commit (no 危险化学品 category) → neutral 0;
    # online: 3 of 4 in-use gateways → 10 × (1 − 0.75) = 2.5
    # score 30 + 12 + 15 + 1 + 0 + 2.5 = 60.5 → 橙 (50 ≤ 60.5 < 70) → level 2
    assert terms(a1) == (30.0, 12.0, 15.0, 1.0, 0.0, 2.5, 60.5, 2)
    row = EnterpriseRisk.objects.get(enterprise=a1)
    assert (row.hazard_level, row.s_sum, row.open_alarms, row.open_warnings,
            row.online_rate) == (2, 3.9, 2, 1, 0.75)
    # A2: no source, nothing live, only its own grade 黄 → 20 (risk-1.2), blue (< 30);
    # no gateways is neutral, not offline
    assert terms(a2) == (20.0, 0.0, 0.0, 0.0, 0.0, 0.0, 20.0, 4)
    assert EnterpriseRisk.objects.get(enterprise=a2).online_rate is None
    # A3: level 1 → 40 (its grade 蓝 → 10 and Σ S 12 → 20 are less);
    # 4 open level-1 alarms 32 → cap 25; 2 red warnings 30 → cap 25;
    # 4 alarms 48 h unhandled: 4 × 4 = 16 → cap 10;
    # its one gateway offline → 10; sum 110 → cap 100 → 红, level 1
    assert terms(a3) == (40.0, 25.0, 25.0, 10.0, 0.0, 10.0, 100.0, 1)


def test_version_on_every_score(risky):
    risk_compute(now=NOW)
    assert set(EnterpriseRisk.objects.values_list("model_version", flat=True)) == {"risk-1.2"}
    assert set(RegionRisk.objects.values_list("model_version", flat=True)) == {"risk-1.2"}
    changed = {**MODEL, "version": "risk-test"}
    risk_compute(now=NOW + timedelta(minutes=5), model=changed)
    assert set(EnterpriseRisk.objects.values_list("model_version", flat=True)) == {"risk-test"}


def test_commitment_input_can_be_replaced(risky):
    a2 = risky.enterprises_a[1]
    missing = ("SELECT %s::bigint AS enterprise_id, 'missing'::text AS status", [a2.pk])
    risk_compute(now=NOW, commitments=missing)
    # missing commitment: 10 points on its grade's 20: score 30 → 黄 (≥ 30)
    assert terms(a2)[4:] == (10.0, 0.0, 30.0, 3)  # commitment, online, score, level
    assert terms(risky.enterprises_a[3])[4] == 0.0  # no commitment row: neutral


@pytest.mark.parametrize(("score", "level"), [(100, 1), (70, 1), (69.99, 2), (50, 2),
                                              (49.99, 3), (30, 3), (29.99, 4), (0, 4)])
def test_bands(score, level):
    assert level_for(score) == level


def test_aggregation_to_divisions(risky):
    run = risk_compute(now=NOW)
    assert run.regions == 4  # province, city, two counties (the world has no towns)
    rows = {r.code: (r.enterprises, r.score, r.max_score, r.level, r.red, r.orange, r.yellow,
                     r.blue) for r in RegionRisk.objects.all()}
    # the others score their grade alone (橙 30, 黄 20, 蓝 10, 红 40):
    # county A: A1 60.5, A2 20, A3 100, A4 40, A5 30 → 250.5 / 5 = 50.1 → 橙 2;
    #   one red (A3), one orange (A1), two yellow (A4, A5), one blue (A2)
    # county B: B11 10, B12 40, B13 30 → 80 / 3 = 26.67 → 蓝; two yellow, one blue
    # city and province: 330.5 / 8 = 41.3125 → 41.31 → 黄 3
    assert rows == {
        "320101000000": (5, 50.1, 100.0, 2, 1, 1, 2, 1),
        "320102000000": (3, 26.67, 40.0, 4, 0, 0, 2, 1),
        "320100000000": (8, 41.31, 100.0, 3, 1, 1, 4, 2),
        "320000000000": (8, 41.31, 100.0, 3, 1, 1, 4, 2),
    }
    county = RegionRisk.objects.get(code="320101000000")
    assert (county.name, county.division_level, county.division_code) == (
        "甲县", "county", "320101000000")
    assert county.geom.equals(risky.county_a.geom)


def test_history_one_row_per_enterprise_per_day_latest_kept(risky):
    a1 = risky.enterprises_a[0]
    day1, day2 = NOW - timedelta(days=1), NOW
    risk_compute(now=day1)
    first = terms(a1, day1.date())
    # later the same day a new HH alarm (8 more points, 0 h open: no handling yet)
    later = day1 + timedelta(hours=3)
    alarm(a1, level=1, hours=21, key="late")  # raised at `later` (NOW − 21 h)
    risk_compute(now=later)
    assert EnterpriseRisk.objects.filter(day=day1.date()).count() == 8
    row = EnterpriseRisk.objects.get(enterprise=a1, day=day1.date())
    assert row.as_of == later and row.alarm_term == first[1] + 8
    risk_compute(now=day2)
    assert EnterpriseRisk.objects.count() == 16
    assert RegionRisk.objects.count() == 8
    assert set(EnterpriseRisk.objects.filter(current=True).values_list("day", flat=True)) \
        == {day2.date()}
    assert set(RegionRisk.objects.filter(current=True).values_list("day", flat=True)) \
        == {day2.date()}
    assert EnterpriseRisk.objects.get(enterprise=a1, day=day1.date()).as_of == later


def test_aggregation_by_industry_in_scope(risky):
    risk_compute(now=NOW)
    everyone = industry_risk(scope=scope_for_user(risky.users["province"]))
    # all eight are C2614: 330.5 / 8 = 41.3125; one red (A3), one orange (A1), four
    # yellow, two blue
    assert everyone == [{"industry": "C2614", "enterprises": 8, "mean_score": 41.3125,
                         "max_score": 100.0, "red": 1, "orange": 1, "yellow": 4, "blue": 2}]
    [county_b] = industry_risk(scope=scope_for_user(risky.users["county_b"]))
    assert county_b["mean_score"] == pytest.approx(80 / 3)
    assert {k: v for k, v in county_b.items() if k != "mean_score"} == {
        "industry": "C2614", "enterprises": 3, "max_score": 40.0, "red": 0, "orange": 0,
        "yellow": 2, "blue": 1}
