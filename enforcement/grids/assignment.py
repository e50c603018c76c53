"""Enterprises into grid cells (网格划分) and the ownership confirmation on them (确权).

`grid_assign` puts every registered enterprise into the smallest cell containing its point
in ONE statement: new rows are pending, rows whose cell changed start over (pending), rows
of enterprises no longer in any cell go, and a county's decision naming another cell
(`pinned`) is left alone. It is re-run after edits of enterprises or cells: by the job
runner every quarter hour (enforcement.tasks) and by a supervisor from the grid page.

确权 is a `geo.workflow.Flow` on the assignment's state:
    pending --confirm (grid people)--> confirmed
    pending --dispute (grid people, reason)--> disputed
    disputed --uphold (county)--> confirmed
    disputed --reassign (county, to another cell)--> pending, pinned to that cell
The grid people are the users with an open term on the cell or on a cell above it
(`people.answers_for`); the county is a supervisor over the enterprise's place
(`geo.authority.may_decide`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.grids.models import AssignmentStep, ClaimAction, ClaimState, GridAssignment
from enforcement.grids.people import answers_for
from geo import authority, messaging
from geo.models import GridCell, User
from geo.scope import EVERYTHING, Scope
from geo.workflow import DECIDER, Flow, Step
from layers.base import registry

GRID = "grid"  # the side of a step taken by the grid's people
CONFIRM, DISPUTE, UPHOLD, REASSIGN = (ClaimAction.CONFIRM, ClaimAction.DISPUTE,
                                      ClaimAction.UPHOLD, ClaimAction.REASSIGN)


# ---- 网格划分: one statement ---------------------------------------------------------------
ASSIGN_SQL = """
WITH target AS (
  SELECT DISTINCT ON (e.id) e.id AS enterprise_id, g.id AS cell_id, e.division_code,
         e.organisation_id
  FROM {enterprises} e JOIN geo_gridcell g ON ST_Covers(g.geom, e.geom)
  WHERE e.status = 'registered' AND {where}
  ORDER BY e.id, g.level DESC, ST_Area(g.geom), g.id
), moved AS (
  INSERT INTO enforcement_gridassignment AS a
    (enterprise_id, cell_id, state, pinned, assigned_at, reason, division_code,
     organisation_id)
  SELECT enterprise_id, cell_id, 'pending', false, %s, '', division_code, organisation_id
  FROM target
  ON CONFLICT (enterprise_id) DO UPDATE SET cell_id = EXCLUDED.cell_id, state = 'pending',
    assigned_at = EXCLUDED.assigned_at, reason = '', division_code = EXCLUDED.division_code,
    organisation_id = EXCLUDED.organisation_id
  WHERE NOT a.pinned AND a.cell_id <> EXCLUDED.cell_id
  RETURNING a.id, a.cell_id
), dropped AS (
  DELETE FROM enforcement_gridassignment a
  WHERE NOT a.pinned AND {where_a}
    AND NOT EXISTS (SELECT 1 FROM target t WHERE t.enterprise_id = a.enterprise_id)
  RETURNING a.id
), dropped_steps AS (
  DELETE FROM enforcement_assignmentstep s USING dropped d WHERE s.assignment_id = d.id
), steps AS (
  INSERT INTO enforcement_assignmentstep (assignment_id, action, cell_id, user_id, reason, at)
  SELECT id, 'assign', cell_id, NULL, '', %s FROM moved RETURNING 1
)
SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM dropped)
"""


def grid_assign(*, now: datetime.datetime, scope: Scope = EVERYTHING) -> dict[str, int]:
    """Assign the enterprises `scope` covers to their smallest containing cell (the job
    runner: everything; a supervisor: their jurisdiction). Returns how many rows were
    (re)assigned and how many dropped. Idempotent: a second run changes nothing."""
    layer = registry.get("enterprises")
    where, params = layer.scope_sql(scope, "e")
    where_a, params_a = scope.sql(division_col="a.division_code", owner_col=None)
    sql = ASSIGN_SQL.format(enterprises=f'"{layer.table()}"', where=where, where_a=where_a)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, now, *params_a, now])
        moved, dropped = cursor.fetchone()
    return {"assigned": moved, "dropped": dropped}


def grid_assign_by(*, user: User, now: datetime.datetime) -> dict[str, int]:
    """A supervisor re-runs the assignment over their jurisdiction."""
    if not authority.is_supervisor(user):
        raise PermissionDenied(_("只有监管人员可以重新划分网格"))
    from geo.scope import scope_for_user
    return grid_assign(now=now, scope=scope_for_user(user))


# ---- 确权 on geo.workflow ----------------------------------------------------------------
class Claim(Flow):
    model = GridAssignment
    steps = {
        CONFIRM: Step(frozenset({ClaimState.PENDING}), ClaimState.CONFIRMED, GRID,
                      ClaimAction.CONFIRM.label),
        DISPUTE: Step(frozenset({ClaimState.PENDING}), ClaimState.DISPUTED, GRID,
                      ClaimAction.DISPUTE.label, reason_required=True),
        UPHOLD: Step(frozenset({ClaimState.DISPUTED}), ClaimState.CONFIRMED, DECIDER,
                     ClaimAction.UPHOLD.label),
        REASSIGN: Step(frozenset({ClaimState.DISPUTED}), ClaimState.PENDING, DECIDER,
                       ClaimAction.REASSIGN.label, reason_required=False),
    }
    refusals = {GRID: gettext_lazy("只有该网格的责任人可以确权或提出异议"),
                DECIDER: gettext_lazy("只有管辖该企业的县级监管人员可以裁定确权异议")}
    wrong_state_default = gettext_lazy("当前状态“%(state)s”不能%(action)s")
    reason_required = gettext_lazy("提出异议时须填写理由")

    def __init__(self, cell: GridCell | None = None) -> None:
        self.cell = cell  # the cell a reassignment names (one Flow object per call)
        # (user, cell) -> answers for it: a page asks once per cell, not once per row
        self._answers: dict[tuple[int, int], bool] = {}

    def allowed(self, step: Step, user, row: GridAssignment) -> bool:
        if step.by == GRID:
            if not authority.may_act(user):
                return False
            key = (user.pk, row.cell_id)
            if key not in self._answers:
                self._answers[key] = answers_for(user, row.cell)
            return self._answers[key]
        return super().allowed(step, user, row)

    def check(self, action: str, row: GridAssignment, user, reason: str) -> None:
        if action == REASSIGN:
            if self.cell is None or self.cell.pk == row.cell_id:
                raise ValidationError({"cell": _("改划时须指定另一个网格")})
            if not authority.supervises(user, self.cell):
                raise PermissionDenied(_("只能改划到本辖区的网格"))
            row.cell, row.pinned = self.cell, True
        row.reason = reason if action == DISPUTE else ""

    def record(self, action: str, row: GridAssignment, user, reason: str) -> None:
        AssignmentStep.objects.create(assignment=row, action=action, cell=row.cell,
                                      user=user, reason=reason)

    def link(self, row: GridAssignment) -> str:
        return reverse("grids:cell", args=[row.cell_id])

    def notify(self, action: str, row: GridAssignment, reason: str) -> None:
        """A dispute goes to the supervisors of the enterprise's supervising department
        who may decide it; a decision to the people of the cell it now names."""
        if action == DISPUTE:
            org = row.enterprise.supervising_department_id
            recipients = [u for u in messaging.organisation_members([org]).get(org, [])
                          if authority.may_decide(u, row)]
        elif action in (UPHOLD, REASSIGN):
            recipients = list(User.objects.filter(
                pk__in=row.cell.members.filter(ended__isnull=True).values("user_id")))
        else:
            return
        if recipients:
            messaging.notify(recipients, messaging.Message(
                kind="grids.claim", title=_("%(action)s：%(name)s") % {
                    "action": self.step(action).verb, "name": row.enterprise.name},
                body=reason, link=self.link(row),
                key=f"grids.claim:{row.pk}:{action}:{timezone.now().isoformat()}"))


def assignment_confirm(*, user: User, assignment: GridAssignment) -> GridAssignment:
    """The grid's people confirm the enterprise is theirs (确认归属)."""
    return Claim().take(CONFIRM, assignment, user=user)


def assignment_dispute(*, user: User, assignment: GridAssignment,
                       reason: str) -> GridAssignment:
    """The grid's people say the enterprise is not theirs, with a reason (提出异议)."""
    return Claim().take(DISPUTE, assignment, user=user, reason=reason)


def assignment_uphold(*, user: User, assignment: GridAssignment,
                      reason: str = "") -> GridAssignment:
    """The county keeps the enterprise in its cell: confirmed (维持划分)."""
    return Claim().take(UPHOLD, assignment, user=user, reason=reason)


def assignment_reassign(*, user: User, assignment: GridAssignment, cell: GridCell,
                        reason: str = "") -> GridAssignment:
    """The county names another cell (改划): its people confirm anew; the location-based
    re-runs leave the decision alone."""
    return Claim(cell).take(REASSIGN, assignment, user=user, reason=reason)


def claim_actions(user: User, rows) -> list[tuple[GridAssignment, list[str]]]:
    """Each row with the 确权 steps `user` may take on it now (one query per cell)."""
    flow = Claim()
    return [(row, flow.actions(user, row)) for row in rows]
