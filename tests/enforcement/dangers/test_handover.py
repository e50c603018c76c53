"""Hand-over to the grid (移送 → 处理 → 办结反馈 → 清零, real PostGIS). The grids slice is
not on main yet: its `grid_people_at(point)` is stood in for by the grid cell's members
here, as the slice will return them (GridMember rows with `user` and `cell`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.dangers import handover
from enforcement.dangers.services import danger_handover
from geo.models import GridCell, Notification, Role, User
from tests.conftest import box
from tests.enforcement.dangers.test_loop import register


@pytest.fixture
def grid(world, monkeypatch):
    cell = GridCell.objects.create(code="320101-G01", name="甲县一网格", level=4,
                                   division=world.county_a, geom=box(118.1, 32.1, 118.2, 32.2))
    member = User.objects.create_user("grid_a", password="pw", role=Role.GRID,
                                      division=world.county_a)
    people = [SimpleNamespace(user=member, cell=cell)]
    monkeypatch.setattr(handover, "grid_people",
                        lambda point: people if cell.geom.covers(point) else [])
    return SimpleNamespace(cell=cell, member=member)


def test_the_department_hands_over_and_the_grid_handles_and_reports(plant, users, grid,
                                                                    departments):
    danger = register(plant, users["enterprise"])
    county = users["county_a"]
    for who in ("enterprise", "county_b", "analyst"):
        with pytest.raises(PermissionDenied):
            danger_handover(danger=danger, action="transfer", user=users[who])
    with pytest.raises(PermissionDenied, match="只有该隐患所在网格的责任人"):
        danger_handover(danger=danger, action="handle", user=county)
    danger = danger_handover(danger=danger, action="transfer", user=county)
    assert (danger.handover, danger.handover_cell) == ("transferred", grid.cell)
    assert Notification.objects.get(recipient=grid.member).title == "移送网格：储罐区防火堤破损"
    danger = danger_handover(danger=danger, action="handle", user=grid.member)
    with pytest.raises(ValidationError):
        danger_handover(danger=danger, action="feedback", user=grid.member, reason=" ")
    danger = danger_handover(danger=danger, action="feedback", user=grid.member,
                             reason="已督促企业整改")
    assert (danger.handover, danger.handover_feedback) == ("fed_back", "已督促企业整改")
    assert list(Notification.objects.filter(recipient=county).order_by("pk").values_list(
        "title", flat=True)) == ["网格受理：储罐区防火堤破损", "办结反馈：储罐区防火堤破损"]
    danger = danger_handover(danger=danger, action="redo", user=county, reason="复查未整改")
    danger = danger_handover(danger=danger, action="feedback", user=grid.member, reason="已整改")
    danger = danger_handover(danger=danger, action="clear", user=county)
    assert danger.handover == "cleared"
    assert list(danger.steps.values_list("action", flat=True)) == [
        "register", "transfer", "handle", "feedback", "redo", "feedback", "clear"]


def test_no_grid_at_the_place_no_hand_over(plant, users, grid, departments):
    from django.contrib.gis.geos import Point

    danger = register(plant, users["enterprise"], geom=Point(118.3, 32.3, srid=4326))
    with pytest.raises(ValidationError, match="没有网格责任人"):
        danger_handover(danger=danger, action="transfer", user=users["county_a"])


def test_without_grid_people_nobody_is_found(plant):
    assert handover.grid_people(plant.geom) == []
