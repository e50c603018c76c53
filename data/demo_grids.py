"""The demo region's responsibility grids (责任体系网格化): every account the demo made
responsible for a cell (`data.accounts`: the grid member of its smallest cell) holds an open
网格员 term there — the grids slice keeps a cell's `responsible` users from these rows — and
every enterprise is assigned to the smallest cell containing it (one statement), awaiting
确权 by the grid's people. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction

from enforcement.grids.models import Duty, GridMember
from enforcement.grids.services import grid_assign
from geo.models import GridCell


def demo_grids_ensure(*, now: datetime.datetime) -> dict[str, int]:
    made = 0
    with transaction.atomic():
        through = GridCell.responsible.through.objects.select_related("gridcell", "user")
        for link in through:
            cell, user = link.gridcell, link.user
            _row, created = GridMember.objects.get_or_create(
                cell=cell, user=user, duty=Duty.MEMBER, ended=None, defaults={
                    "name": user.get_full_name() or user.username, "phone": user.mobile,
                    "started": now.date(), "division_code": cell.division_code})
            made += created
        counts = grid_assign(now=now)
    return {"terms": made, **counts}


def demo_grids_delete(cursor, prefix: str) -> None:
    """Before the region's cells and enterprises go (raw SQL, like `region_delete`): the
    grid rows under `prefix` and those pointing at its cells."""
    like = [prefix + "%"]
    cells = "(SELECT id FROM geo_gridcell WHERE division_code LIKE %s)"
    cursor.execute("DELETE FROM enforcement_patrolphoto WHERE patrol_id IN (SELECT id FROM"
                   f" enforcement_patrol WHERE division_code LIKE %s OR cell_id IN {cells})",
                   like * 2)
    cursor.execute("DELETE FROM enforcement_checkin WHERE patrol_id IN (SELECT id FROM"
                   f" enforcement_patrol WHERE division_code LIKE %s OR cell_id IN {cells})"
                   " OR division_code LIKE %s", like * 3)
    cursor.execute(f"DELETE FROM enforcement_patrol WHERE division_code LIKE %s"
                   f" OR cell_id IN {cells}", like * 2)
    cursor.execute("DELETE FROM enforcement_assignmentstep WHERE assignment_id IN (SELECT id"
                   " FROM enforcement_gridassignment WHERE division_code LIKE %s OR cell_id IN"
                   f" {cells}) OR cell_id IN {cells}", like * 3)
    cursor.execute(f"DELETE FROM enforcement_gridassignment WHERE division_code LIKE %s"
                   f" OR cell_id IN {cells}", like * 2)
    cursor.execute(f"DELETE FROM enforcement_gridmember WHERE division_code LIKE %s"
                   f" OR cell_id IN {cells}", like * 2)
    cursor.execute("DELETE FROM enforcement_zonemember WHERE division_code LIKE %s", like)
    cursor.execute("DELETE FROM enforcement_enterprisezone WHERE division_code LIKE %s", like)
