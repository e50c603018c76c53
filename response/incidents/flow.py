"""Submission up the levels (逐级上报) on `geo.workflow.Flow`: the county reports to the
city, the city receives it and reports to the province, the province receives it; the
level holding it ends it (处置结束) once nothing more is due above.

Each step is taken by a supervisor over the incident's place at the step's level (a county
supervisor reports to the city, a city supervisor receives, …), not by owner and decider:
the chain is between levels of government, not between a firm and its supervisor. Every
step moves the deadline (`due_at`, `reporting.report_window` after the level above got it,
when the incident's level must go further) and tells the level that must act next.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo import authority, messaging
from geo.models import SUPERVISOR_ROLES, Role, User
from geo.workflow import DECIDER, Flow, Step
from response.incidents import reporting
from response.incidents.models import Incident, IncidentStep, Stage
from response.incidents.reporting import CITY, COUNTY, PROVINCE

REPORT_CITY, RECEIVE_CITY = "report_city", "receive_city"
REPORT_PROVINCE, RECEIVE_PROVINCE, CLOSE = "report_province", "receive_province", "close"

# The level of government that holds an incident in each open stage.
HOLDER = {Stage.COUNTY: COUNTY, Stage.TO_CITY: CITY, Stage.CITY: CITY,
          Stage.TO_PROVINCE: PROVINCE, Stage.PROVINCE: PROVINCE}
# The stage an incident starts in when a level receives it first-hand (接报).
RECEIVED_AT = {COUNTY: Stage.COUNTY, CITY: Stage.CITY, PROVINCE: Stage.PROVINCE}
RECEIVING = {Stage.TO_CITY, Stage.TO_PROVINCE}  # sent up, not yet received


def user_level(user) -> str | None:
    """The chain level a supervisor acts at (a park supervisor acts at none); "any" for
    the system administrator."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser or user.role == Role.ADMIN:
        return "any"
    if user.role in SUPERVISOR_ROLES and user.division_id:
        return reporting.level_of(user.division_id)
    return None


class IncidentSubmission(Flow):
    model = Incident
    state_field = state_error_field = "stage"
    steps = {
        REPORT_CITY: Step(frozenset({Stage.COUNTY}), Stage.TO_CITY, DECIDER,
                          gettext_lazy("上报市级")),
        RECEIVE_CITY: Step(frozenset({Stage.TO_CITY}), Stage.CITY, DECIDER,
                           gettext_lazy("市级接收")),
        REPORT_PROVINCE: Step(frozenset({Stage.TO_CITY, Stage.CITY}), Stage.TO_PROVINCE,
                              DECIDER, gettext_lazy("上报省级")),
        RECEIVE_PROVINCE: Step(frozenset({Stage.TO_PROVINCE}), Stage.PROVINCE, DECIDER,
                               gettext_lazy("省级接收")),
        CLOSE: Step(frozenset({Stage.COUNTY, Stage.CITY, Stage.PROVINCE}), Stage.CLOSED,
                    DECIDER, gettext_lazy("处置结束")),
    }
    # who takes each step: the level named, or for CLOSE the level holding it
    ACTOR = {REPORT_CITY: COUNTY, RECEIVE_CITY: CITY, REPORT_PROVINCE: CITY,
             RECEIVE_PROVINCE: PROVINCE}
    refusals = {DECIDER: gettext_lazy("只有事发地相应层级的应急管理部门可以办理该步骤")}
    wrong_state_default = gettext_lazy("事件当前状态（%(state)s）不能%(action)s")

    def allowed(self, step: Step, user, row: Incident) -> bool:
        action = next(a for a, s in self.steps.items() if s is step)
        level = user_level(user)
        actor = self.ACTOR.get(action) or HOLDER.get(row.stage)
        return (level is not None and authority.supervises(user, row)
                and level in ("any", actor))

    def may(self, action: str, user, row: Incident) -> bool:
        """As the gate, and no 处置结束 button while a report up is still due."""
        return super().may(action, user, row) and not (
            action == CLOSE and reporting.must_go_above(HOLDER[row.stage], row.level))

    def check(self, action: str, row: Incident, user, reason: str) -> None:
        now = timezone.now()
        row._step_overdue = bool(action in (REPORT_CITY, REPORT_PROVINCE)
                                 and row.due_at and now > row.due_at)
        if action == CLOSE:
            if reporting.must_go_above(HOLDER[row.stage], row.level):
                raise ValidationError({"stage": _("该等级事件须先上报%(level)s，不能结束") % {
                    "level": _level_label(reporting.TOP[row.level])}})
            row.closed_at, row.due_at = now, None
        elif action in (REPORT_CITY, REPORT_PROVINCE):
            holder = CITY if action == REPORT_CITY else PROVINCE
            row.due_at = (now + reporting.report_window()
                          if reporting.must_go_above(holder, row.level) else None)
        row.stage_since = now

    def record(self, action: str, row: Incident, user, reason: str) -> None:
        IncidentStep.objects.create(incident=row, action=action, stage=row.stage,
                                    at=row.stage_since, by=user, reason=reason,
                                    overdue=row._step_overdue)

    def link(self, row: Incident) -> str:
        return reverse("incidents:incident", args=[row.pk])

    def notify(self, action: str, row: Incident, reason: str) -> None:
        """A report up goes to the supervisors of the level above (their division
        contains the incident's place); the other steps tell nobody."""
        if action not in (REPORT_CITY, REPORT_PROVINCE):
            return
        level = CITY if action == REPORT_CITY else PROVINCE
        kind = "incident.reported"
        messaging.notify(level_supervisors(row.division_code, level), messaging.Message(
            kind=kind, title=_("%(action)s：%(name)s") % {"action": self.step(action).verb,
                                                         "name": row},
            body=reason or row.summary[:200], link=self.link(row),
            key=f"{kind}:{row.pk}:{action}"))


def level_supervisors(division_code: str, level: str) -> list[User]:
    """The supervisors of the division at `level` that contains `division_code`."""
    return list(User.objects.filter(
        is_active=True, role__in=SUPERVISOR_ROLES,
        division_id=reporting.division_at(division_code, level)))


def _level_label(level: str) -> str:
    return {COUNTY: _("县级"), CITY: _("市级"), PROVINCE: _("省级")}[level]


SUBMISSION = IncidentSubmission()
