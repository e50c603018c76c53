"""双随机一公开: the draw is a pure function of its recorded inputs (reproduced from the seed),
pairs at least two inspectors per target, spreads the work, avoids an inspector's own past
targets, stays in the drawer's area, and is published for anyone to read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from enforcement.inspections.models import Draw, DrawAssignment, PlanTarget
from enforcement.inspections.services import (
    draw_compute,
    draw_publish,
    draw_replay,
    draw_result,
    draw_run,
    draw_verified,
    plan_create,
)
from enforcement.library.models import Target
from enforcement.library.selectors import TargetFilter

A = TargetFilter(prefix="320101")


def test_the_same_inputs_and_seed_give_the_same_draw_and_another_seed_another():
    inputs = {"candidates": list(range(1, 31)), "pool": list(range(100, 110)),
              "excluded": {3: [100, 101]}, "count": 8, "per_target": 2}
    first = draw_compute(seed=20261204, **inputs)
    assert first == draw_compute(seed=20261204, **inputs)
    assert draw_compute(seed=20261205, **inputs) != first
    # the candidates' order as given does not matter: they are sampled in id order
    shuffled = {**inputs, "candidates": list(reversed(inputs["candidates"]))}
    assert draw_compute(seed=20261204, **shuffled) == first
    assert len({t for t, _ in first}) == 8
    assert all(len(set(ins)) == 2 for _, ins in first)


def test_the_work_spreads_evenly_and_conflicts_are_avoided():
    result = draw_compute(seed=7, candidates=list(range(1, 11)), pool=[1, 2, 3, 4, 5],
                          excluded={t: [1] for t in range(1, 11)}, count=10, per_target=2)
    loads = {i: sum(i in ins for _, ins in result) for i in (1, 2, 3, 4, 5)}
    assert loads == {1: 0, 2: 5, 3: 5, 4: 5, 5: 5}
    with pytest.raises(ValidationError):  # two needed, one free
        draw_compute(seed=7, candidates=[1], pool=[1, 2], excluded={1: [2]}, count=1,
                     per_target=2)


def test_a_recorded_draw_is_replayed_from_its_row(world, staff):
    draw = draw_run(user=world.users["county_a"], title="2026年第一批", where=A, count=3,
                    seed=424242)
    assert draw.seed == 424242 and draw.division_code == "320101000000"
    assert draw.candidates == list(Target.objects.filter(division_code__startswith="320101")
                                   .order_by("pk").values_list("pk", flat=True))
    assert draw.pool == [i.pk for i in staff.a]
    assert draw_result(draw) == draw_replay(Draw.objects.get(pk=draw.pk))
    assert draw_verified(draw)
    assert len(draw_result(draw)) == 3
    # a changed pairing no longer verifies
    first = draw.picks.order_by("position").first()
    taken = set(first.assignments.values_list("inspector_id", flat=True))
    stranger = next(i for i in staff.a if i.pk not in taken)
    first.assignments.filter(position=1).update(inspector=stranger)
    assert not draw_verified(draw)


def test_a_seed_is_chosen_and_recorded_when_none_is_given(world, staff):
    one = draw_run(user=world.users["county_a"], title="a", where=A, count=2,
                   conflict_window=0)
    two = draw_run(user=world.users["county_a"], title="b", where=A, count=2,
                   conflict_window=0)
    assert one.seed != two.seed and 0 <= one.seed < 2 ** 62
    assert draw_verified(one) and draw_verified(two)


def test_an_inspector_is_not_paired_with_a_target_of_his_last_draws(world, staff):
    user = world.users["county_a"]
    target = Target.objects.filter(division_code__startswith="320101").order_by("pk").first()
    only = TargetFilter(prefix="320101")
    first = draw_run(user=user, title="1", where=only, count=5, seed=1)
    paired = dict(draw_result(first))[target.pk]
    second = draw_run(user=user, title="2", where=only, count=5, seed=2)
    assert second.excluded[str(target.pk)] == sorted(paired)
    again = dict(draw_result(second))[target.pk]
    assert not set(again) & set(paired)
    # window 0: no conflicts considered
    third = draw_run(user=user, title="3", where=only, count=5, seed=3, conflict_window=0)
    assert third.excluded == {}


def test_draws_stay_in_the_drawers_area(world, staff):
    with pytest.raises(PermissionDenied):
        draw_run(user=world.users["county_b"], title="x", where=A, count=1)
    with pytest.raises(PermissionDenied):
        draw_run(user=world.users["analyst"], title="x", where=A, count=1)
    with pytest.raises(ValidationError):
        draw_run(user=world.users["county_a"], title="x", where=A, count=1, per_target=1)
    city = draw_run(user=world.users["province"], title="全市", where=TargetFilter(
        prefix="3201", category="key"), count=4, seed=9)
    picked = {t.division_code[:6] for t in Target.objects.filter(
        pk__in=[t for t, _ in draw_result(city)])}
    assert picked <= {"320101", "320102"}
    assert len(city.pool) == 6


def test_a_drawn_plan_takes_the_picked_enterprises(world, staff):
    import datetime

    plan = plan_create(user=world.users["county_a"], title="2026年度一般检查",
                       kind="annual_general", year=2026, starts=datetime.date(2026, 1, 1),
                       ends=datetime.date(2026, 12, 31))
    draw = draw_run(user=world.users["county_a"], title="第一批", where=A, count=2, plan=plan,
                    seed=5)
    assert set(PlanTarget.objects.filter(plan=plan).values_list("enterprise_id", flat=True)) \
        == set(draw.picks.values_list("enterprise_id", flat=True))
    with pytest.raises(PermissionDenied):
        draw_run(user=world.users["county_b"], title="x", where=TargetFilter(), count=1,
                 plan=plan)


def test_published_draws_are_public_and_unpublished_ones_are_not(world, staff):
    hidden = draw_run(user=world.users["county_a"], title="未公示批次", where=A, count=1, seed=1)
    shown = draw_run(user=world.users["county_a"], title="已公示批次", where=A, count=2, seed=2)
    with pytest.raises(PermissionDenied):
        draw_publish(user=world.users["county_b"], draw=shown)
    draw_publish(user=world.users["county_a"], draw=shown)
    page = Client().get("/enforcement/draws/public/").content.decode()
    assert "已公示批次" in page and "未公示批次" not in page
    names = {a.inspector.name for a in DrawAssignment.objects.filter(pick__draw=shown)}
    assert all(name in page for name in names)
    assert str(shown.seed) in page
    assert hidden.published_at is None


def test_draw_pages_are_scoped(world, staff):
    draw = draw_run(user=world.users["county_a"], title="甲县批次", where=A, count=2, seed=3)
    a, b = Client(), Client()
    a.force_login(world.users["county_a"])
    b.force_login(world.users["county_b"])
    assert "甲县批次" in a.get("/enforcement/draws/").content.decode()
    assert "甲县批次" not in b.get("/enforcement/draws/").content.decode()
    detail = a.get(f"/enforcement/draws/{draw.pk}/")
    assert detail.status_code == 200 and "复核一致" in detail.content.decode()
    assert b.get(f"/enforcement/draws/{draw.pk}/").status_code == 404
    made = a.post("/enforcement/draws/", {"title": "页面抽查", "division": "320101",
                                           "count": "2", "per_target": "2", "window": "3"})
    assert made.status_code == 302
    assert Draw.objects.filter(title="页面抽查").count() == 1
    assert b.post("/enforcement/draws/", {"title": "越权", "division": "320101",
                                           "count": "1", "per_target": "2",
                                           "window": "3"}).status_code == 403


def test_an_inspector_whose_certificate_expired_is_neither_drawn_nor_sent(world, staff):
    import datetime

    from django.utils import timezone

    from enforcement.library.models import Inspector
    from tests.enforcement.inspections.helpers import DAY, schedule

    expired = staff.a[3]
    Inspector.objects.filter(pk=expired.pk).update(
        certificate_valid_to=min(timezone.localdate(), DAY) - datetime.timedelta(days=1))
    draw = draw_run(user=world.users["county_a"], title="x", where=A, count=1, seed=1)
    assert draw.pool == [i.pk for i in staff.a[:3]]
    with pytest.raises(ValidationError):
        schedule(world, staff, inspectors=[staff.a[0], expired])


def test_anyone_recomputes_a_published_draw_from_its_audit_data(world, staff):
    draw = draw_run(user=world.users["county_a"], title="复核批次", where=A, count=3, seed=77)
    assert Client().get(f"/enforcement/draws/{draw.pk}/audit.json").status_code == 404
    draw_publish(user=world.users["county_a"], draw=draw)
    audit = Client().get(f"/enforcement/draws/{draw.pk}/audit.json").json()
    recomputed = draw_compute(
        seed=audit["seed"], candidates=audit["candidates"], pool=audit["pool"],
        excluded={int(k): v for k, v in audit["excluded"].items()},
        count=audit["target_count"], per_target=audit["inspectors_per_target"])
    assert [{"target": t, "inspectors": i} for t, i in recomputed] == audit["result"]
    assert audit["verified"] is True


def test_a_draw_for_a_plan_without_a_division_stays_in_the_plans_area(world, staff):
    import datetime

    plan = plan_create(user=world.users["county_a"],
                       title="专项", kind="special", year=2026,
                       starts=datetime.date(2026, 1, 1), ends=datetime.date(2026, 6, 30))
    draw = draw_run(user=world.users["county_a"], title="x", where=TargetFilter(), count=8,
                    plan=plan, seed=4)
    assert draw.criteria["prefix"] == "320101"
    assert len(draw_result(draw)) == 5
    with pytest.raises(ValidationError):  # the province draws in county B for county A's plan
        draw_run(user=world.users["province"], title="y", where=TargetFilter(prefix="320102"),
                 count=1, plan=plan)
