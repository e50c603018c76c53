"""The workflow (审核、备案、闭环) and document numbering (文书编号): one mechanism for every
flow of a row through states (a hazard source's filing, an emergency plan's filing, an edit
of an enterprise's file, an alarm's release; the hidden-danger loop and an enforcement
case) and one counter for every number a document carries.

A flow is a `Flow` subclass that names the model, its state column and its steps: each step
goes from some states to one, is taken by one side ("owner": a user of the row's own
organisation; "decider": a supervisor over the row who is not its owner) and carries the
words users read. `Review` is the common two-sided case (submit → accept | return, and
withdraw). Hooks add what one flow needs (a completeness check, a number, a history row,
applying an approved edit, who else may take a step). Every step runs in one transaction:
the row is locked and read again (two clicks cannot both move it), the write gate is asked
(`geo.authority`), the state is checked, the row is saved attributed to the actor (the
audit log), and the other side is told (inbox, e-mail and SMS copies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from geo import authority, messaging
from geo.audit import acting_as
from geo.models import NumberFormat

SUBMIT, ACCEPT, RETURN, WITHDRAW = "submit", "accept", "return", "withdraw"
OWNER, DECIDER = "owner", "decider"


@dataclass(frozen=True)
class Step:
    """One transition: from any of `sources` to `target`, taken by `by` (OWNER or DECIDER;
    `Flow.allowed` may widen it), read by users as `verb`."""

    sources: frozenset[str]
    target: str
    by: str
    verb: str | Promise
    reason_required: bool = False


class Flow:
    """A state machine on one model's state column: `steps` (action → `Step`).

    Declare `model`, `state_field`, `steps`, `refusals` (OWNER / DECIDER → why the gate
    said no), `wrong_state` (action → message with %(state)s; `wrong_state_default` for the
    rest), `reason_required` with `reason_field`, and `state_error_field` (the key of a
    wrong-state error; None for a plain message). Override the hooks below as needed.
    """

    model: ClassVar[type[Model]]
    state_field: ClassVar[str] = "state"
    steps: ClassVar[dict[str, Step]]
    state_error_field: ClassVar[str | None] = "state"
    reason_field: ClassVar[str] = "reason"
    refusals: ClassVar[dict[str, str]]
    wrong_state: ClassVar[dict[str, str]] = {}
    wrong_state_default: ClassVar[str | Promise] = ""
    reason_required: ClassVar[str]

    def step(self, action: str) -> Step:
        try:
            return self.steps[action]
        except KeyError:
            raise ValueError(f"{type(self).__name__} has no step {action!r}") from None

    def take(self, action: str, row: Model, *, user, reason: str = "") -> Model:
        """Take step `action` on `row` (a new unsaved row may take a first step)."""
        return self._move(action, row, user, reason)

    def may(self, action: str, user, row: Model) -> bool:
        """Whether `user` may take `action` on `row` as it is now (for pages)."""
        step = self.steps.get(action)
        return (step is not None and getattr(row, self.state_field) in step.sources
                and self.allowed(step, user, row))

    def actions(self, user, row: Model) -> list[str]:
        """The steps `user` may take on `row` now, in declaration order."""
        return [action for action in self.steps if self.may(action, user, row)]

    # ---- hooks ------------------------------------------------------------------------
    def subject(self, row: Model) -> authority.Row:
        """The row whose owner and place decide who may act (the row itself by default)."""
        return row

    def allowed(self, step: Step, user, row: Model) -> bool:
        """The write gate for one step: the owner side or the deciding side of the
        subject. Override to let others in (e.g. the supervising department only)."""
        if step.by == OWNER:
            return authority.owns(user, self.subject(row))
        return authority.may_decide(user, self.subject(row))

    def refusal(self, step: Step) -> str | Promise:
        """Why the gate said no to `step` (the side's message by default); a flow whose
        steps are taken by different people inside one side names who may take it."""
        return self.refusals[step.by]

    def lock(self, row: Model) -> Model:
        return type(row)._default_manager.select_for_update().get(pk=row.pk)

    def check(self, action: str, row: Model, user, reason: str) -> None:
        """Refuse (ValidationError) or change the row before it is saved in its new state."""

    def save(self, row: Model) -> None:
        row.save()

    def record(self, action: str, row: Model, user, reason: str) -> None:
        """After the save: history rows beyond the audit log."""

    def link(self, row: Model) -> str:
        """Where a notification about `row` points."""
        return ""

    def decider_organisation_id(self, row: Model) -> int | None:
        """The organisation told of the owner's steps (a supervising department)."""
        return None

    def summary(self, action: str, row: Model, reason: str) -> str:
        """Hook: the message body (the reason given, by default)."""
        return reason

    def notify(self, action: str, row: Model, reason: str) -> None:
        """Hook: the deciders' steps go to the owner's organisation; the owner's to the
        members of the deciders' (`decider_organisation_id`) who may decide it — a grid
        member of the department could not open what the message links to. Override to
        stay silent or to tell others."""
        subject = self.subject(row)
        owner_side = self.step(action).by == OWNER
        org = self.decider_organisation_id(row) if owner_side else subject.organisation_id
        recipients = [user for user in messaging.organisation_members([org]).get(org, [])
                      if not owner_side or authority.may_decide(user, subject)]
        if not recipients:
            return
        kind = f"review.{row._meta.model_name}"
        messaging.notify(recipients, messaging.Message(
            kind=kind, title=_("%(action)s：%(name)s") % {"action": self.step(action).verb,
                                                         "name": row},
            body=self.summary(action, row, reason), link=self.link(row),
            key=f"{kind}:{row.pk}:{action}:{timezone.now().isoformat()}"))

    # ---- the one transition -----------------------------------------------------------
    def _move(self, action: str, row: Model, user, reason: str = "") -> Model:
        step = self.step(action)
        reason = (reason or "").strip()
        with transaction.atomic(), acting_as(user.pk if user else None):
            adding = row._state.adding
            row = row if adding else self.lock(row)
            if not self.allowed(step, user, row):
                raise PermissionDenied(self.refusal(step))
            if not adding and getattr(row, self.state_field) not in step.sources:
                raise self._state_error(action, row)
            if step.reason_required and not reason:
                raise ValidationError({self.reason_field: self.reason_required})
            self.check(action, row, user, reason)
            setattr(row, self.state_field, step.target)
            self.save(row)
            self.record(action, row, user, reason)
            self.notify(action, row, reason)
        return row

    def _state_error(self, action: str, row: Model) -> ValidationError:
        field = row._meta.get_field(self.state_field)
        label = dict(field.flatchoices).get(getattr(row, self.state_field), "")
        template = self.wrong_state.get(action) or self.wrong_state_default or _(
            "当前状态（%(state)s）不能%(action)s")
        message = template % {"state": label, "s": label, "status": label,
                              "action": self.step(action).verb}
        return ValidationError({self.state_error_field: message} if self.state_error_field
                               else message)


class Review(Flow):
    """A submit → accept | return (→ submit again) flow, the common case of `Flow`.

    Declare `drafts` (the states an owner submits from), `submitted`, `accepted`,
    `returned`, `withdrawn` (where a withdrawal goes; None if the flow has none) and
    `verbs` (action → what users read); the steps follow from them.
    """

    drafts: ClassVar[frozenset[str]]
    submitted: ClassVar[str]
    accepted: ClassVar[str]
    returned: ClassVar[str]
    withdrawn: ClassVar[str | None] = None
    verbs: ClassVar[dict[str, str]]

    @property
    def steps(self) -> dict[str, Step]:  # type: ignore[override]
        steps = {
            SUBMIT: Step(frozenset(self.drafts), self.submitted, OWNER, self.verbs[SUBMIT]),
            ACCEPT: Step(frozenset({self.submitted}), self.accepted, DECIDER,
                         self.verbs[ACCEPT]),
            RETURN: Step(frozenset({self.submitted}), self.returned, DECIDER,
                         self.verbs[RETURN], reason_required=True),
        }
        if self.withdrawn is not None:
            steps[WITHDRAW] = Step(frozenset({self.submitted}), self.withdrawn, OWNER,
                                   self.verbs.get(WITHDRAW, _("撤回")))
        return steps

    def submit(self, row: Model, *, user) -> Model:
        """The owner sends a draft (or a returned row, or a new unsaved row) for decision."""
        return self.take(SUBMIT, row, user=user)

    def accept(self, row: Model, *, user, reason: str = "") -> Model:
        return self.take(ACCEPT, row, user=user, reason=reason)

    def send_back(self, row: Model, *, user, reason: str) -> Model:
        """Return (退回) to the owner; a reason is required."""
        return self.take(RETURN, row, user=user, reason=reason)

    def withdraw(self, row: Model, *, user) -> Model:
        """The owner takes a submission back before it is decided (撤回)."""
        if self.withdrawn is None:
            raise ValidationError(_("该事项提交后不能撤回"))
        return self.take(WITHDRAW, row, user=user)


# ---- document numbers ---------------------------------------------------------------------
# Built-in formats by document kind; an agency sets its own with a NumberFormat row.
# Filing numbers (备案编号): `<county code>-<year>-<4-digit serial>`, e.g. 320101-2026-0007.
# The numbering rules of the domain reference (§5.2) cover enforcement documents; filings
# keep their principle (one serial per issuing area per year, restarting each year) with
# the 6-digit GB/T 2260 county code as the area. Slices declare the built-in format (and
# 文书代字) of their own kinds with `number_format_register` (the enforcement documents).
DEFAULT_FORMATS = {
    "hazard_filing": "{area}-{year}-{serial:04d}",  # 重大危险源备案编号
    "plan_filing": "{area}-{year}-{serial:04d}",    # 应急预案备案编号
}
DEFAULT_CODES: dict[str, str] = {}
# A NumberFormat row of this kind names an area's agency abbreviation (机关简称, e.g. 桂,
# 桂南) for every kind whose own format leaves it blank; only its abbreviation is read.
ANY_KIND = "*"


def number_format_register(kind: str, *, template: str, code: str = "") -> None:
    """Declare the built-in format and 文书代字 of a kind (rows still override both)."""
    DEFAULT_FORMATS[kind] = template
    if code:
        DEFAULT_CODES[kind] = code


def document_number_next(*, area: str, year: int, kind: str, line: str = "") -> str:
    """The next number of a kind of document for a numbering area and year, in the format
    that applies there. Call it inside the transaction that stores the number: the
    counter row stays locked until that commits, and a rollback gives the serial back.
    `line` is the business-line code a format may carry before the serial ({line}, e.g.
    危化); it does not split the serial, which runs per area, kind and year."""
    template = number_format(area=area, kind=kind)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO geo_documentcounter (area, kind, year, last) VALUES (%s, %s, %s, 1)"
            " ON CONFLICT (area, kind, year) DO UPDATE SET last = geo_documentcounter.last + 1"
            " RETURNING last", [area, kind, year])
        (serial,) = cursor.fetchone()
    return template.render(area=area, year=year, serial=serial, line=line)


def number_format(*, area: str, kind: str) -> NumberFormat:
    """The format of the longest area prefix `area` starts with, else the kind's built-in
    one; a blank abbreviation comes from the longest ANY_KIND row that names one, a blank
    code from the kind's built-in code."""
    rows = [f for f in NumberFormat.objects.filter(kind__in=[kind, ANY_KIND])
            if area.startswith(f.area)]
    own = [f for f in rows if f.kind == kind]
    if own:
        chosen = max(own, key=lambda f: len(f.area))
    elif kind in DEFAULT_FORMATS:
        chosen = NumberFormat(kind=kind, template=DEFAULT_FORMATS[kind])
    else:
        raise ValueError(f"no number format for document kind {kind!r}")
    if not chosen.abbreviation:
        agencies = sorted((f for f in rows if f.kind == ANY_KIND and f.abbreviation),
                          key=lambda f: len(f.area))
        chosen.abbreviation = agencies[-1].abbreviation if agencies else ""
    chosen.code = chosen.code or DEFAULT_CODES.get(kind, "")
    return chosen
