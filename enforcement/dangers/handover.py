"""Hand-over to the grid (移送网格, issue 13 "Grids"): the supervising department hands a
danger to the responsible people of the grid at its place (移送); one of them takes it up
(处理) and reports it done (办结反馈); the department clears it (清零) or sends it back
for more work. A flow of its own on the `handover` column (`geo.workflow.Flow`).

The grid's people come from the grids slice (`enforcement.grids.selectors.grid_people_at`,
the smallest cell covering the point first); until that slice is installed nobody is found
and a hand-over is refused. Grid members write nothing through `geo.authority` (they read
only), so their two steps are opened to the people of the danger's grid here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.dangers.models import Handover, HiddenDanger, HiddenDangerStep
from geo import authority, messaging
from geo.workflow import DECIDER, OWNER, Flow, Step

H = Handover
GRID = OWNER  # the grid's side: the steps the department does not take


def grid_people(point) -> list:
    """The responsible people of the grid cells covering `point` (GridMember rows with
    `user` and `cell`), none while the grids slice is not installed."""
    try:
        from enforcement.grids.selectors import grid_people_at
    except ImportError:
        return []
    return grid_people_at(point)


def _grid_users(danger: HiddenDanger) -> list:
    people = [p for p in grid_people(danger.geom)
              if danger.handover_cell_id is None or p.cell.pk == danger.handover_cell_id]
    seen, users = set(), []
    for person in people:
        if person.user is not None and person.user.pk not in seen:
            seen.add(person.user.pk)
            users.append(person.user)
    return users


class DangerHandover(Flow):
    model = HiddenDanger
    state_field = state_error_field = "handover"
    reason_field = "handover_feedback"
    reason_required = gettext_lazy("请填写办结情况或退回原因")
    steps = {
        "transfer": Step(frozenset({H.NONE, H.CLEARED}), H.TRANSFERRED, DECIDER,
                         gettext_lazy("移送网格")),
        "handle": Step(frozenset({H.TRANSFERRED}), H.HANDLING, GRID, gettext_lazy("网格受理")),
        "feedback": Step(frozenset({H.HANDLING}), H.FED_BACK, GRID, gettext_lazy("办结反馈"),
                         reason_required=True),
        "redo": Step(frozenset({H.FED_BACK}), H.HANDLING, DECIDER, gettext_lazy("退回重办"),
                     reason_required=True),
        "clear": Step(frozenset({H.FED_BACK}), H.CLEARED, DECIDER, gettext_lazy("清零")),
    }
    refusals = {GRID: gettext_lazy("只有该隐患所在网格的责任人可以办理"),
                DECIDER: gettext_lazy("只有管辖该企业的监管部门可以移送或清零")}
    wrong_state_default = gettext_lazy("当前移送状态（%(state)s）不能%(action)s")

    def allowed(self, step: Step, user, row: HiddenDanger) -> bool:
        if step.by == GRID:
            return bool(user and user.is_authenticated
                        and any(u.pk == user.pk for u in _grid_users(row)))
        return authority.may_decide(user, row)

    def check(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        if action == "transfer":
            people = [p for p in grid_people(row.geom) if p.user is not None]
            if not people:
                raise ValidationError({"handover": _("该隐患所在位置没有网格责任人")})
            row.handover_cell_id, row.handover_at = people[0].cell.pk, timezone.now()
            row.handover_feedback = ""
        elif action == "feedback":
            row.handover_feedback = reason

    def record(self, action: str, row: HiddenDanger, user, reason: str) -> None:
        HiddenDangerStep.objects.create(danger=row, action=action, state=row.state, user=user,
                                        reason=reason)

    def link(self, row: HiddenDanger) -> str:
        return reverse("dangers:detail", args=[row.pk])

    def decider_organisation_id(self, row: HiddenDanger) -> int | None:
        return row.enterprise.supervising_department_id

    def notify(self, action: str, row: HiddenDanger, reason: str) -> None:
        """The department's steps go to the grid's people; theirs to the department."""
        if self.step(action).by == GRID:
            return super().notify(action, row, reason)
        recipients = _grid_users(row)
        if recipients:
            kind = "review.hiddendanger"
            messaging.notify(recipients, messaging.Message(
                kind=kind, title=_("%(action)s：%(name)s") % {
                    "action": self.step(action).verb, "name": row},
                body=reason or row.description, link=self.link(row),
                key=f"{kind}:{row.pk}:{action}:{timezone.now().isoformat()}"))


HANDOVER = DangerHandover()
