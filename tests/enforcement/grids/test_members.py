"""Responsible people of government cells (history, the write gate, alarm routing's
`responsible` kept in step) and enterprise grids (owned by the enterprise)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.grids import selectors, services
from enforcement.grids.models import Duty, GridMember, ZoneMember
from tests.enforcement.grids.conftest import TODAY, member


def test_member_added_and_ended_keeps_history_and_responsible(grids):
    grid_a = grids.users["grid_a"]
    row = services.grid_member_add(actor=grids.users["county_a"], cell=grids.c4a,
                                   name="张三", duty=Duty.HEAD, phone="13900000000",
                                   started=TODAY, user=grid_a)
    assert list(grids.c4a.responsible.all()) == [grid_a]
    later = TODAY + datetime.timedelta(days=30)
    services.grid_member_end(actor=grids.users["county_a"], member=row, ended=later)
    row.refresh_from_db()
    assert (row.ended, row.duty, row.get_duty_display()) == (later, "head", "网格长")
    assert list(grids.c4a.responsible.all()) == []
    assert [m.pk for m in selectors.members_of(cell=grids.c4a)] == [row.pk]  # history stays
    with pytest.raises(ValidationError):  # ended twice
        services.grid_member_end(actor=grids.users["county_a"], member=row, ended=later)


def test_member_rules(grids):
    county_a = grids.users["county_a"]
    with pytest.raises(ValidationError) as error:
        row = services.grid_member_add(actor=county_a, cell=grids.c4a, name="李四",
                                       duty=Duty.MEMBER, started=TODAY)
        services.grid_member_end(actor=county_a, member=row,
                                 ended=TODAY - datetime.timedelta(days=1))
    assert error.value.message_dict == {"ended": ["离任日期不能早于任职日期"]}
    services.grid_member_add(actor=county_a, cell=grids.c4a, name="王五", duty=Duty.MEMBER,
                             started=TODAY, user=grids.users["grid_a"])
    with pytest.raises(ValidationError):  # the same account, duty and cell twice at once
        services.grid_member_add(actor=county_a, cell=grids.c4a, name="王五",
                                 duty=Duty.MEMBER, started=TODAY, user=grids.users["grid_a"])
    with pytest.raises(ValidationError):
        services.grid_member_add(actor=county_a, cell=grids.c4a, name="", duty="boss",
                                 started=TODAY)


@pytest.mark.parametrize("actor", ["county_b", "enterprise", "analyst", "grid_a"])
def test_only_supervisors_over_the_cell_keep_its_people(grids, actor):
    with pytest.raises(PermissionDenied):
        services.grid_member_add(actor=grids.users[actor], cell=grids.c4a, name="赵六",
                                 duty=Duty.MEMBER, started=TODAY)
    assert GridMember.objects.count() == 0


def test_province_supervisor_keeps_people_of_any_cell_below(grids):
    services.grid_member_add(actor=grids.users["province"], cell=grids.b1, name="钱七",
                             duty=Duty.SAFETY_OFFICER, started=TODAY)
    assert GridMember.objects.get().division_code == grids.b1.division_code


def test_grid_people_at_smallest_first_one_statement(staffed, django_assert_num_queries):
    head = member(staffed, staffed.c4a, staffed.users["grid_a2"], Duty.HEAD)
    county = services.grid_member_add(actor=staffed.users["admin"], cell=staffed.c1,
                                      name="县网格长", duty=Duty.HEAD, started=TODAY)
    services.grid_member_add(actor=staffed.users["admin"], cell=staffed.c1, name="老网格长",
                             duty=Duty.HEAD, started=TODAY - datetime.timedelta(days=99))
    services.grid_member_end(actor=staffed.users["admin"],
                             member=GridMember.objects.get(name="老网格长"), ended=TODAY
                             - datetime.timedelta(days=1))
    point = staffed.c4a.geom.centroid
    with django_assert_num_queries(1):
        people = selectors.grid_people_at(point, on=TODAY)
        levels = [(p.cell.level, p.name) for p in people]
    grid_a = GridMember.objects.get(cell=staffed.c3a)
    assert [p.pk for p in people] == [head.pk, grid_a.pk, county.pk]
    assert levels == [(4, "grid_a2"), (3, "grid_a"), (1, "县网格长")]
    # a point in county B meets county B's cell only
    assert [p.name for p in selectors.grid_people_at(staffed.b1.geom.centroid, on=TODAY)] \
        == ["grid_b"]


def test_enterprise_zones_owned_by_the_enterprise(world, grids):
    ent, owner = world.enterprises_a[0], grids.users["enterprise"]
    plant = services.zone_save(actor=owner, enterprise=ent, name="厂区")
    shop = services.zone_save(actor=owner, enterprise=ent, name="一车间", parent=plant)
    row = services.zone_member_add(actor=owner, zone=shop, name="车间主任", duty=Duty.HEAD,
                                   started=TODAY, phone="0512-1234567")
    assert (row.organisation_id, row.division_code) == (ent.organisation_id, ent.division_code)
    with pytest.raises(ValidationError):  # a loop
        services.zone_save(actor=owner, enterprise=ent, name="厂区", parent=shop, zone=plant)
    for other in ("county_a", "grid_a", "county_b"):
        with pytest.raises(PermissionDenied):
            services.zone_save(actor=grids.users[other], enterprise=ent, name="x")
        with pytest.raises(PermissionDenied):
            services.zone_member_end(actor=grids.users[other], member=row, ended=TODAY)
    with pytest.raises(PermissionDenied):  # another enterprise's user
        services.zone_save(actor=owner, enterprise=world.enterprises_a[1], name="x")
    services.zone_member_end(actor=owner, member=row, ended=TODAY)
    zones, people = selectors.zones_of(scope=_scope(owner), enterprise_id=ent.pk)
    assert ([z.name for z in zones], [p.ended for p in people]) == (["厂区", "一车间"], [TODAY])
    assert selectors.zones_of(scope=_scope(grids.users["county_b"]),
                              enterprise_id=ent.pk) == ([], [])
    assert ZoneMember.objects.count() == 1


def _scope(user):
    from geo.scope import scope_for_user
    return scope_for_user(user)
