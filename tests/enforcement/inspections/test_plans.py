"""Plans (执法计划): who makes them, targets chosen or drawn, and progress per plan."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from enforcement.inspections.selectors import plan_progress, plans_with_progress
from enforcement.inspections.services import inspection_record, plan_create, plan_targets_choose
from enforcement.library.models import Target
from geo.scope import scope_for_user
from tests.enforcement.inspections.helpers import findings, schedule

JAN, DEC = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def _plan(user, kind="annual_key", **kw):
    return plan_create(user=user, title=kw.pop("title", "2026年度重点检查计划"), kind=kind,
                       year=2026, starts=kw.pop("starts", JAN), ends=DEC, **kw)


def test_a_government_supervisor_plans_for_their_area(world, staff):
    plan = _plan(world.users["county_a"], description="危化品企业全覆盖")
    assert (plan.division_code, plan.organisation, plan.kind) == (
        "320101000000", staff.bureau_a, "annual_key")
    for kind in ("annual_general", "special", "temporary"):
        assert _plan(world.users["county_a"], kind=kind).kind == kind
    with pytest.raises(PermissionDenied):
        _plan(world.users["analyst"])
    with pytest.raises(PermissionDenied):
        _plan(world.users["enterprise"])
    with pytest.raises(ValidationError):
        _plan(world.users["county_a"], kind="weekly")
    with pytest.raises(ValidationError):
        _plan(world.users["county_a"], starts=datetime.date(2027, 1, 1))


def test_targets_are_chosen_inside_the_plans_area(world, staff):
    plan = _plan(world.users["county_a"])
    ids = list(Target.objects.filter(division_code__startswith="320101").order_by("pk")
               .values_list("pk", flat=True)[:3])
    assert plan_targets_choose(user=world.users["county_a"], plan=plan, target_ids=ids) == 3
    assert plan_targets_choose(user=world.users["county_a"], plan=plan, target_ids=ids) == 0
    other = Target.objects.filter(division_code__startswith="320102").first()
    with pytest.raises(ValidationError):
        plan_targets_choose(user=world.users["county_a"], plan=plan, target_ids=[other.pk])
    with pytest.raises(PermissionDenied):
        plan_targets_choose(user=world.users["county_b"], plan=plan, target_ids=[other.pk])


def test_progress_counts_the_targets_inspected_under_the_plan(world, staff):
    user = world.users["county_a"]
    plan = _plan(user)
    targets = list(Target.objects.filter(division_code__startswith="320101").order_by("pk")[:3])
    plan_targets_choose(user=user, plan=plan, target_ids=[t.pk for t in targets])
    first = schedule(world, staff, enterprise=targets[0].enterprise, plan=plan)
    schedule(world, staff, enterprise=targets[1].enterprise, plan=plan)  # planned only
    schedule(world, staff, enterprise=targets[2].enterprise)  # not under the plan
    assert (plan_progress(plan).inspected, plan_progress(plan).total) == (0, 3)
    inspection_record(user=user, inspection=first, findings=findings(),
                      inspected_at=timezone.now())
    progress = plan_progress(plan)
    assert (progress.inspected, progress.total, progress.percent) == (1, 3, 33)
    (row,) = plans_with_progress(scope=scope_for_user(user))
    assert (row.inspected, row.total) == (1, 3)
    assert list(plans_with_progress(scope=scope_for_user(world.users["county_b"]))) == []
    client = Client()
    client.force_login(user)
    assert "1/3" in client.get("/enforcement/plans/").content.decode()
    assert "33%" in client.get(f"/enforcement/plans/{plan.pk}/").content.decode()
    client.force_login(world.users["county_b"])
    assert client.get(f"/enforcement/plans/{plan.pk}/").status_code == 404
