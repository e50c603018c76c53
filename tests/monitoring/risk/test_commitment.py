"""The daily commitment in the dynamic risk model (since risk-1.1): the day's status from the
commitments slice, as its deadline rules say, hand-computed (real PostGIS)."""

from __future__ import annotations

import datetime

from monitoring.commitments.models import Commitment
from monitoring.risk.models import EnterpriseRisk, RegionRisk
from monitoring.risk.services import risk_compute
from monitoring.tasks import risk_scores
from registry.enterprises.models import Enterprise
from tests.monitoring.commitments.conftest import CARD, DAY, at
from tests.monitoring.risk.conftest import NOW
from tests.monitoring.risk.test_model import terms


def oblige(*ents) -> None:
    """Hazardous-chemical enterprises (危险化学品) must commit every day."""
    Enterprise.objects.filter(pk__in=[e.pk for e in ents]).update(
        categories=["hazardous_chemicals"])


def card(ent, filed_at: datetime.datetime, day: datetime.date = DAY) -> Commitment:
    return Commitment.objects.create(enterprise=ent, division_code=ent.division_code,
                                     organisation=ent.organisation, day=day, **CARD,
                                     principal="王主任", filed_at=filed_at)


def commitment_terms(world) -> dict[str, float]:
    rows = EnterpriseRisk.objects.filter(day=DAY).select_related("enterprise")
    return {r.enterprise.name.removeprefix("测试化工").removesuffix("号有限公司"):
            r.commitment_term for r in rows}


def test_each_status_after_the_deadline(world):
    a1, a2, a3, a4, a5 = world.enterprises_a
    b11, b12, b13 = world.enterprises_b
    oblige(a1, a2, a3, b11, b12, b13)
    card(a1, at(9, 59))                              # on time → reported
    card(a2, at(10, 30))                             # after 10:00 → late
    # a3: no card → missing
    card(a5, at(10, 30))                             # late, but a5 is not obliged
    card(b11, at(11, 30))                            # filed after the run: not yet filed
    card(b12, at(9, 0, day=DAY - datetime.timedelta(days=1)), DAY - datetime.timedelta(days=1))
    card(b13, at(10, 0))                             # at the deadline exactly: late
    run = risk_compute(now=at(11, 0))
    assert run.model_version == "risk-1.2"
    # reported 0, late 5, missing 10; not obliged (a4, a5) neutral 0; b11 missing at 11:00;
    # b12 filed only yesterday's → missing today; b13 filed at 10:00:00 → late (on time is
    # strictly before the deadline)
    assert commitment_terms(world) == {"1": 0.0, "2": 5.0, "3": 10.0, "4": 0.0, "5": 0.0,
                                       "11": 10.0, "12": 10.0, "13": 5.0}
    # nothing else: the score is the grade's points (a3 蓝 10, a2 黄 20) and the term,
    # all below 30 → 蓝
    assert terms(a3, DAY)[-2:] == (20.0, 4) and terms(a2, DAY)[-2:] == (25.0, 4)


def test_before_the_deadline_the_term_is_neutral(world):
    a1, a2, a3 = world.enterprises_a[:3]
    oblige(a1, a2, a3)
    card(a1, at(9, 0))                               # on time
    card(a2, at(9, 45))                              # not yet filed at 09:30
    risk_compute(now=at(9, 30))
    # a1 reported 0; a2 and a3 pending (待承诺): neutral 0, not missing
    assert [terms(e, DAY)[4] for e in (a1, a2, a3)] == [0.0, 0.0, 0.0]
    risk_compute(now=at(9, 59, 59))                  # one second before the deadline
    assert terms(a3, DAY)[4] == 0.0
    risk_compute(now=at(10, 0))                      # the deadline: a3 now missing
    # a1 0; a2 filed 09:45 → reported 0; a3 no card at 10:00 → missing 10
    assert [terms(e, DAY)[4] for e in (a1, a2, a3)] == [0.0, 0.0, 10.0]


def test_worked_example_with_the_commitment(risky):
    a1, a2, a3 = risky.enterprises_a[:3]
    oblige(a1, a2, a3)
    card(a1, at(10, 0))                              # exactly at the deadline: late
    risk_compute(now=NOW)                            # NOW is 10:00 local
    # A1 as in test_hand_computed_scores (30 + 12 + 15 + 1 + 2.5 = 60.5) plus late 5:
    # 65.5 → 橙 (50 ≤ 65.5 < 70)
    assert terms(a1) == (30.0, 12.0, 15.0, 1.0, 5.0, 2.5, 65.5, 2)
    # A2 its grade 黄 20 and missing 10: 30 → 黄
    assert terms(a2) == (20.0, 0.0, 0.0, 0.0, 10.0, 0.0, 30.0, 3)
    # A3 missing: 40 + 25 + 25 + 10 + 10 + 10 = 120 → cap 100 → 红
    assert terms(a3) == (40.0, 25.0, 25.0, 10.0, 10.0, 10.0, 100.0, 1)
    # county A: 65.5 + 30 + 100 + 40 (A4's grade 红) + 30 (A5's 橙) = 265.5 / 5 = 53.1 → 橙
    county = RegionRisk.objects.get(code="320101000000", day=DAY)
    assert (county.score, county.level) == (53.1, 2)
    assert set(EnterpriseRisk.objects.values_list("model_version", flat=True)) == {"risk-1.2"}
    assert set(RegionRisk.objects.values_list("model_version", flat=True)) == {"risk-1.2"}
    Commitment.objects.filter(enterprise=a1).delete()
    risk_compute(now=NOW)
    # A1 with no card at the deadline: 60.5 + missing 10 = 70.5 → 红 (≥ 70)
    assert terms(a1)[4:] == (10.0, 2.5, 70.5, 1)


def test_the_scheduled_job_reads_the_commitments(world):
    a1, a2 = world.enterprises_a[:2]
    oblige(a1, a2)
    card(a1, at(10, 15))
    # the job's function on a fixed clock (the worker test runs it on the real one)
    result = risk_scores(int(at(11, 0).timestamp()))
    assert result["model_version"] == "risk-1.2"
    # a1 late 5; a2 missing 10
    assert [terms(e, DAY)[4] for e in (a1, a2)] == [5.0, 10.0]
