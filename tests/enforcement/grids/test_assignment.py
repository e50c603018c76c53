"""Enterprises into their smallest cell (one statement, re-run after edits) and 确权 on
geo.workflow.Flow: legal and illegal steps and who may take them."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.grids import selectors, services
from enforcement.grids.assignment import Claim
from enforcement.grids.models import AssignmentStep, ClaimState, GridAssignment
from geo.messaging import unread
from geo.models import Organisation
from geo.scope import scope_for_user
from tests.enforcement.grids.conftest import NOW


def _cells(world) -> dict[str, str]:
    rows = GridAssignment.objects.select_related("enterprise", "cell")
    return {a.enterprise.name[4:6]: a.cell.code for a in rows}


def test_assign_smallest_covering_cell_in_one_statement(world, grids):
    with CaptureQueriesContext(connection) as queries:
        counts = services.grid_assign(now=NOW)
    assert len([q for q in queries if "INSERT INTO enforcement_gridassignment" in q["sql"]]) == 1
    assert counts == {"assigned": 8, "dropped": 0}
    assert _cells(world) == {"1号": "A1-W-S-1", "2号": "A1-W-S-1", "3号": "A1-W-S",
                             "4号": "A1-E", "5号": "A1-E", "11": "B1", "12": "B1", "13": "B1"}
    assert set(GridAssignment.objects.values_list("state", flat=True)) == {"pending"}
    a1 = GridAssignment.objects.get(enterprise=world.enterprises_a[0])
    assert (a1.division_code, a1.organisation_id) == (world.enterprises_a[0].division_code,
                                                      world.enterprises_a[0].organisation_id)
    assert services.grid_assign(now=NOW) == {"assigned": 0, "dropped": 0}  # idempotent
    assert AssignmentStep.objects.filter(action="assign").count() == 8


def test_rerun_after_edits_moves_resets_and_drops(world, grids):
    services.grid_assign(now=NOW)
    moved = world.enterprises_a[3]  # in C2b; confirmed there, then it moves into C4a
    a = GridAssignment.objects.get(enterprise=moved)
    GridAssignment.objects.filter(pk=a.pk).update(state=ClaimState.CONFIRMED)
    moved.geom = Point(118.12, 32.05, srid=4326)
    moved.save()
    gone = world.enterprises_b[0]
    gone.geom = Point(120.0, 30.0, srid=4326)  # outside every cell
    gone.save()
    assert services.grid_assign(now=NOW) == {"assigned": 1, "dropped": 1}
    a.refresh_from_db()
    assert (a.cell_id, a.state) == (grids.c4a.pk, "pending")
    assert not GridAssignment.objects.filter(enterprise=gone).exists()
    type(moved).objects.filter(pk=world.enterprises_a[4].pk).update(status="cancelled")
    assert services.grid_assign(now=NOW) == {"assigned": 0, "dropped": 1}  # 核销 leaves


def test_assign_in_a_supervisors_scope_only(world, grids):
    services.grid_assign(now=NOW, scope=scope_for_user(grids.users["county_b"]))
    assert set(_cells(world).values()) == {"B1"}


def _assigned(world, staffed, i=0) -> GridAssignment:
    services.grid_assign(now=NOW)
    return GridAssignment.objects.get(enterprise=world.enterprises_a[i])


def test_grid_people_confirm_from_the_cell_or_above(world, staffed):
    a = _assigned(world, staffed)  # enterprise 1 in C4a; grid_a answers for C3a above it
    assert Claim().actions(staffed.users["grid_a"], a) == ["confirm", "dispute"]
    for other in ("grid_a2", "grid_b", "county_a", "enterprise", "analyst"):
        assert Claim().actions(staffed.users[other], a) == []
        with pytest.raises(PermissionDenied):
            services.assignment_confirm(user=staffed.users[other], assignment=a)
    a = services.assignment_confirm(user=staffed.users["grid_a"], assignment=a)
    assert a.state == "confirmed"
    with pytest.raises(ValidationError) as error:  # confirmed already
        services.assignment_dispute(user=staffed.users["grid_a"], assignment=a, reason="x")
    assert error.value.message_dict == {"state": ["当前状态“已确权”不能提出异议"]}
    assert [(s.action, s.user_id) for s in a.steps.all()] == [
        ("assign", None), ("confirm", staffed.users["grid_a"].pk)]


def test_dispute_needs_a_reason_and_goes_to_the_county(world, staffed):
    dept = Organisation.objects.create(name="甲县应急管理局", kind="government",
                                       division=world.county_a)
    county = staffed.users["county_a"]
    county.organisation = dept
    county.save()
    a = _assigned(world, staffed)
    a.enterprise.supervising_department = dept
    a.enterprise.save()
    with pytest.raises(ValidationError) as error:
        services.assignment_dispute(user=staffed.users["grid_a"], assignment=a, reason=" ")
    assert error.value.message_dict == {"reason": ["提出异议时须填写理由"]}
    a = services.assignment_dispute(user=staffed.users["grid_a"], assignment=a,
                                    reason="该企业实际在东片经营")
    assert (a.state, a.reason) == ("disputed", "该企业实际在东片经营")
    assert [m.title for m in unread(county)] == ["提出异议：测试化工1号有限公司"]
    assert list(selectors.assignments_disputed(user=county)) == [a]
    assert list(selectors.assignments_disputed(user=staffed.users["county_b"])) == []
    assert selectors.assignments_disputed(user=staffed.users["grid_a"]) is None


def test_county_upholds_or_reassigns_a_dispute(world, staffed):
    county, grid_a = staffed.users["county_a"], staffed.users["grid_a"]
    a = _assigned(world, staffed)
    b = GridAssignment.objects.get(enterprise=world.enterprises_a[1])
    for row in (a, b):
        services.assignment_dispute(user=grid_a, assignment=row, reason="不在本网格")
    for other in ("county_b", "grid_a", "grid_a2", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.assignment_uphold(user=staffed.users[other], assignment=a)
    a = services.assignment_uphold(user=county, assignment=a)
    assert (a.state, a.reason, a.pinned) == ("confirmed", "", False)
    with pytest.raises(ValidationError):  # the same cell is no reassignment
        services.assignment_reassign(user=county, assignment=b, cell=staffed.c4a)
    with pytest.raises(PermissionDenied):  # a cell outside the county's jurisdiction
        services.assignment_reassign(user=county, assignment=b, cell=staffed.b1)
    b = services.assignment_reassign(user=county, assignment=b, cell=staffed.c2b,
                                     reason="按实际经营地址")
    assert (b.state, b.cell_id, b.pinned) == ("pending", staffed.c2b.pk, True)
    assert [m.title for m in unread(staffed.users["grid_a2"])] == [
        "改划网格：测试化工2号有限公司"]
    # the re-run leaves the county's decision alone; C2b's people confirm it now
    assert services.grid_assign(now=NOW) == {"assigned": 0, "dropped": 0}
    assert Claim().actions(grid_a, b) == []
    services.assignment_confirm(user=staffed.users["grid_a2"], assignment=b)


def test_to_confirm_queue_of_the_grid_people(world, staffed):
    services.grid_assign(now=NOW)
    names = lambda user: sorted(a.enterprise.name[4:6] for a in  # noqa: E731
                                selectors.assignments_to_confirm(user=staffed.users[user]))
    assert names("grid_a") == ["1号", "2号", "3号"]
    assert names("grid_a2") == ["4号", "5号"]
    assert names("grid_b") == ["11", "12", "13"]
    assert list(selectors.assignments_to_confirm(user=staffed.users["county_a"])) == []
    for role in ("enterprise", "analyst"):
        assert selectors.assignments_to_confirm(user=staffed.users[role]) is None


def test_enterprise_grid_two_queries(world, staffed, django_assert_num_queries):
    services.grid_assign(now=NOW)
    with django_assert_num_queries(2):
        found = selectors.enterprise_grid(world.enterprises_a[0].pk)
        people = [(p.cell.level, p.name) for p in found.people]
    assert (found.cell.code, found.assignment.state, people) == ("A1-W-S-1", "pending",
                                                                 [(3, "grid_a")])
    assert selectors.enterprise_grid(world.enterprises_a[0].pk,
                                     scope=scope_for_user(staffed.users["county_b"])) is None


def test_the_periodic_job_assigns_everything(world, grids):
    from enforcement.tasks import grids_assign
    assert grids_assign(int(NOW.timestamp())) == {"assigned": 8, "dropped": 0}
    assert grids_assign(int(NOW.timestamp())) == {"assigned": 0, "dropped": 0}


def test_demo_grids_terms_for_responsible_users_and_assignment(world, grids):
    from data.demo_grids import demo_grids_ensure
    grids.c4a.responsible.add(grids.users["grid_a"])
    assert demo_grids_ensure(now=NOW) == {"terms": 1, "assigned": 8, "dropped": 0}
    assert demo_grids_ensure(now=NOW) == {"terms": 0, "assigned": 0, "dropped": 0}
    member = selectors.grid_people_at(world.enterprises_a[0].geom, on=NOW.date())
    assert [(m.cell_id, m.user_id, m.duty) for m in member] == [
        (grids.c4a.pk, grids.users["grid_a"].pk, "member")]


def test_demo_grids_delete_clears_the_way_for_the_cells(world, staffed):
    from data.demo_grids import demo_grids_delete
    services.grid_assign(now=NOW)
    a = GridAssignment.objects.get(enterprise=world.enterprises_a[0])
    services.assignment_confirm(user=staffed.users["grid_a"], assignment=a)
    patrol = services.patrol_start(user=staffed.users["grid_a"], cell=staffed.c4a,
                                   point=world.enterprises_a[0].geom, now=NOW)
    services.checkin_make(user=staffed.users["grid_a"], patrol=patrol,
                          enterprise_id=world.enterprises_a[0].pk,
                          point=world.enterprises_a[0].geom, now=NOW)
    with connection.cursor() as cursor:
        demo_grids_delete(cursor, "320101")
        cursor.execute("DELETE FROM geo_gridcell_responsible")
        cursor.execute("DELETE FROM geo_gridcell WHERE division_code LIKE '320101%%'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now
    assert GridAssignment.objects.count() == 3  # county B's stay
