"""Grid tests: county A's four levels of cells over the world's enterprises, county B's
one cell, and grid members on them.

County A (118.0–118.5 E): C1 the county; C2a west half / C2b east half; C3a the south-west
quarter under C2a; C4a (118.1–118.2 E, 32.0–32.25 N) under C3a. The world's enterprises of
county A stand at x = 118.15, 118.20, 118.25, 118.30, 118.35 (y 32.12 … 32.20): 1 is inside
C4a, 2 on C4a's east edge (covered: C4a), 3 on the C2a/C2b line (C3a is the smallest
covering it), 4 and 5 in C2b.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from enforcement.grids import services
from enforcement.grids.models import Duty, GridMember
from geo.models import GridCell, Role, User
from tests.conftest import box

NOW = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 12, 2)


@dataclass
class Grids:
    c1: GridCell
    c2a: GridCell
    c2b: GridCell
    c3a: GridCell
    c4a: GridCell
    b1: GridCell
    users: dict[str, User]


def _cell(code, name, level, county, geom, parent=None) -> GridCell:
    return GridCell.objects.create(code=code, name=name, level=level, parent=parent,
                                   division=county, division_code=county.code, geom=geom)


@pytest.fixture
def grids(world) -> Grids:
    a, b = world.county_a, world.county_b
    c1 = _cell("A1", "甲县网格", 1, a, box(118.0, 32.0, 118.5, 32.5))
    c2a = _cell("A1-W", "西片", 2, a, box(118.0, 32.0, 118.25, 32.5), c1)
    c2b = _cell("A1-E", "东片", 2, a, box(118.25, 32.0, 118.5, 32.5), c1)
    c3a = _cell("A1-W-S", "西南社区", 3, a, box(118.0, 32.0, 118.25, 32.25), c2a)
    c4a = _cell("A1-W-S-1", "一号网格", 4, a, box(118.1, 32.0, 118.2, 32.25), c3a)
    b1 = _cell("B1", "乙县网格", 1, b, box(118.5, 32.0, 119.0, 32.5))
    users = dict(world.users)
    for name, county in (("grid_a", a), ("grid_a2", a), ("grid_b", b)):
        users[name] = User.objects.create_user(name, password="pw-" + name, role=Role.GRID,
                                               division=county)
    return Grids(c1, c2a, c2b, c3a, c4a, b1, users)


def member(grids: Grids, cell: GridCell, user: User, duty=Duty.MEMBER) -> GridMember:
    return services.grid_member_add(actor=grids.users["admin"], cell=cell, name=user.username,
                                    duty=duty, started=TODAY, phone="13800000000", user=user)


@pytest.fixture
def staffed(grids) -> Grids:
    """grid_a answers for C3a (so for C4a below it), grid_a2 for C2b, grid_b for B1."""
    member(grids, grids.c3a, grids.users["grid_a"], Duty.HEAD)
    member(grids, grids.c2b, grids.users["grid_a2"])
    member(grids, grids.b1, grids.users["grid_b"])
    return grids
