"""Discretion (自由裁量): the decided fine within its benchmark range (edges included,
errors named by field), and similar closed cases in one statement, in scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enforcement.cases import discretion, selectors, services
from enforcement.cases.models import Case, DiscretionRange, Violation
from geo.scope import scope_for_user


def _penalised(case: Case, **fields) -> Case:
    for name, value in {"circumstance": "general", "penalties": ["fine"], **fields}.items():
        setattr(case, name, value)
    return case


@pytest.mark.parametrize(("fine", "ok"), [
    ("9999.99", False), ("10000", True), ("30000", True), ("50000", True),
    ("50000.01", False)])
def test_the_fine_lies_within_the_range_edges_included(violation, case, fine, ok):
    case = _penalised(case, violation=violation, fine=Decimal(fine))
    if ok:
        discretion.fine_check(case)
        return
    with pytest.raises(ValidationError) as caught:
        discretion.fine_check(case)
    assert list(caught.value.message_dict) == ["fine"]


def test_the_errors_name_their_fields(violation, case):
    with pytest.raises(ValidationError) as caught:
        discretion.fine_check(_penalised(case, circumstance="", penalties=[]))
    assert caught.value.message_dict == {"violation": ["请选择违法行为"],
                                         "circumstance": ["请选择违法情节"],
                                         "penalties": ["请选择处罚种类"]}
    with pytest.raises(ValidationError) as caught:
        discretion.fine_check(_penalised(case, violation=violation, fine=None))
    assert caught.value.message_dict == {"fine": ["处以罚款的须填写罚款金额"]}
    with pytest.raises(ValidationError) as caught:
        discretion.fine_check(_penalised(case, violation=violation, penalties=["warning"],
                                         fine=Decimal(100)))
    assert caught.value.message_dict == {"fine": ["未选择罚款的不能填写罚款金额"]}
    discretion.fine_check(_penalised(case, violation=violation, penalties=["warning"],
                                     fine=None))
    with pytest.raises(ValidationError) as caught:  # the benchmark has no person range
        discretion.fine_check(_penalised(case, violation=violation, party_kind="person",
                                         fine=Decimal(10000)))
    assert caught.value.message_dict == {"circumstance": ["该违法行为在此情节下没有裁量基准"]}
    with pytest.raises(ValidationError) as caught:
        discretion.fine_check(_penalised(case, violation=violation, party_kind="enterprise",
                                         fine=Decimal("60000")))
    assert caught.value.message_dict == {
        "fine": ["罚款金额60000元不在裁量幅度10000元至50000元之内"]}


def test_a_range_runs_from_low_to_high(violation):
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscretionRange.objects.create(violation=violation, circumstance="minor",
                                    party_kind="person", fine_min=10, fine_max=5)


def test_the_decision_is_checked_against_the_range(offices, violation, case):
    from tests.enforcement.cases.test_case_flow import take, walk

    a = offices["a"]
    case = walk(case, a, violation, "heard")
    with pytest.raises(ValidationError) as caught:
        take(case, a, "decide", circumstance="serious")  # 20 000 is below 50 000
    assert list(caught.value.message_dict) == ["fine"]
    case = take(Case.objects.get(pk=case.pk), a, "decide", circumstance="serious",
                fine=Decimal("80000"))
    assert (case.state, case.circumstance, case.fine) == ("decided", "serious", 80000)


def _closed(world, office, *, enterprise, violation=None, fine=None, industry=None) -> Case:
    case = services.case_open(user=office.handler, agency=office.agency, cause="类案",
                              members=[office.handler], enterprise=enterprise)
    Case.objects.filter(pk=case.pk).update(
        state="closed", violation=violation, fine=fine,
        industry=industry if industry is not None else enterprise.industry)
    return case


def test_similar_cases_same_violation_then_industry_then_nearest_fine(
        world, offices, violation, case, django_assert_num_queries):
    a, b = offices["a"], offices["b"]
    other = Violation.objects.create(code="AQ-99", name="其他", legal_basis="x",
                                     penalty_basis="y")
    e = world.enterprises_a
    far = _closed(world, a, enterprise=e[1], violation=violation, fine=Decimal(45000))
    close = _closed(world, a, enterprise=e[1], violation=violation, fine=Decimal(15000))
    mine = _closed(world, a, enterprise=e[2], violation=violation, fine=Decimal(20000),
                   industry="B0610")  # the same violation in a mine: after the industry
    trade = _closed(world, a, enterprise=e[3], violation=other, fine=Decimal(20000))
    _closed(world, a, enterprise=e[4], violation=other, fine=Decimal(20000), industry="F5162")
    Case.objects.filter(pk=case.pk).update(violation=violation, fine=Decimal(20000))
    _closed(world, b, enterprise=world.enterprises_b[0], violation=violation,
            fine=Decimal(20000))  # county B's: out of county A's sight
    case = Case.objects.get(pk=case.pk)
    scope = scope_for_user(a.head)
    with django_assert_num_queries(1):
        similar = selectors.cases_similar(scope=scope, case=case)
    assert [c.pk for c in similar] == [close.pk, far.pk, mine.pk, trade.pk]
    province = scope_for_user(world.users["province"])
    assert len(selectors.cases_similar(scope=province, case=case)) == 5
