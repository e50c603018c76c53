"""Writes of cases: open one (from an inspection, a complaint, a transfer), edit what the
investigation found, take a step of the procedure, add a joint agency, transfer, and the
job runner's deadline reminders. Every write asks `geo.authority` (through the flow's
actors); every step goes through `flow.FLOW`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases import deadlines
from enforcement.cases.flow import FLOW, HANDLER, CaseFlow, may_act, next_actors
from enforcement.cases.models import (
    OPEN_STATES,
    Case,
    CaseAgency,
    CaseMember,
    CaseState,
    CaseTransfer,
    DiscretionRange,
    PartyKind,
    SourceKind,
    Violation,
    content_type_of,
)
from geo import authority, messaging
from geo.audit import acting_as
from geo.models import Organisation, OrganisationKind, User

# What the handlers edit while they investigate (the rest moves with the steps).
EDITABLE = ("cause", "facts", "evidence", "violation", "circumstance", "legal_basis",
            "penalty_basis", "penalties", "fine", "party_address")
EDITABLE_STATES = frozenset({CaseState.PROPOSED, CaseState.INVESTIGATING})


@transaction.atomic
def case_open(*, user: User | None, agency: Organisation, cause: str,
              members: Sequence[User] = (), enterprise: Model | None = None,
              person: dict | None = None, source: Model | None = None,
              source_kind: str | None = None, facts: str = "") -> Case:
    """Register a case for filing (待立案审批) at `agency`, against an enterprise of the
    registry or a person (`person`: name, id_number, address, division_code, point).

    Callers pass what the case comes from as `source` (an inspection, a complaint row, a
    transferred case): it is kept as a content type and id. `user` None is a transfer
    arriving from another agency (the sending head's step opens it)."""
    case = Case(organisation=agency, cause=cause.strip(), facts=facts,
                stage_since=timezone.now(), **_party(enterprise, person))
    case.source_kind = source_kind or _source_kind(source)
    if source is not None:
        case.source_type, case.source_id = content_type_of(source), source.pk
    if user is not None and not (authority.owns(user, case) and authority.supervises(
            user, case) and authority.is_supervisor(user)):
        raise PermissionDenied(_("只有承办机关管辖该当事人的执法人员可以登记案件"))
    _check_agency(agency, case)
    if not case.cause:
        raise ValidationError({"cause": _("请填写案由")})
    with acting_as(user.pk if user else None):
        case.save()
        _members_add(case, members, lead_first=True)
    return case


def _party(enterprise, person: dict | None) -> dict:
    if enterprise is not None:
        return {"party_kind": PartyKind.ENTERPRISE, "enterprise": enterprise,
                "party_name": enterprise.name, "party_id_number": enterprise.credit_code,
                "party_address": enterprise.address, "industry": enterprise.industry,
                "division_code": enterprise.division_code, "geom": enterprise.geom}
    person = person or {}
    if not person.get("name") or not person.get("division_code"):
        raise ValidationError({"party_name": _("请选择当事单位或填写当事人姓名及所在区划")})
    point = person.get("point")
    return {"party_kind": PartyKind.PERSON, "party_name": person["name"],
            "party_id_number": person.get("id_number", ""),
            "party_address": person.get("address", ""),
            "division_code": person["division_code"],
            "geom": point if isinstance(point, Point) or point is None else Point(*point)}


def _source_kind(source: Model | None) -> str:
    if isinstance(source, Case):
        return SourceKind.TRANSFER
    return SourceKind.INSPECTION if source is not None else SourceKind.OTHER


def _check_agency(agency: Organisation, case: Case) -> None:
    """A government organisation whose area holds the party."""
    if agency.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"organisation": _("承办机关须为政府部门")})
    if not case.division_code.startswith(agency.division.prefix):
        raise ValidationError({"organisation": _("当事人不在承办机关的管辖区域内")})


def _members_add(case: Case, members: Iterable[User], *, lead_first: bool = False) -> None:
    agencies = {case.organisation_id, *case.agencies.values_list("organisation_id", flat=True)}
    for i, member in enumerate(members):
        if member.organisation_id not in agencies or not authority.is_supervisor(member):
            raise ValidationError({"members": _("%(name)s不是承办或联合执法单位的执法人员") % {
                "name": member.get_full_name() or member.username}})
        CaseMember.objects.get_or_create(case=case, user=member,
                                         defaults={"lead": lead_first and i == 0})


@transaction.atomic
def case_members_add(*, case: Case, user: User, members: Sequence[User]) -> Case:
    """The head assigns enforcement officers (a received transfer has none yet)."""
    if not may_act("head", user, case):
        raise PermissionDenied(_("只有承办机关负责人可以指派执法人员"))
    if case.state not in OPEN_STATES:
        raise ValidationError({"state": _("案件已办结，不能再指派执法人员")})
    with acting_as(user.pk):
        _members_add(case, members, lead_first=not case.members.exists())
    return case


@transaction.atomic
def case_agency_join(*, case: Case, user: User, agency: Organisation,
                     members: Sequence[User]) -> CaseAgency:
    """联合执法: another agency joins the case with its own officers, approved by the
    handling agency's head."""
    if not may_act("head", user, case):
        raise PermissionDenied(_("只有承办机关负责人可以组织联合执法"))
    if case.state not in OPEN_STATES:
        raise ValidationError({"state": _("案件已办结，不能再加入联合执法单位")})
    if agency.kind != OrganisationKind.GOVERNMENT or agency.pk == case.organisation_id:
        raise ValidationError({"agencies": _("联合执法单位须为承办机关以外的政府部门")})
    if not members:
        raise ValidationError({"members": _("联合执法单位须派出执法人员")})
    with acting_as(user.pk):
        joined, _created = CaseAgency.objects.get_or_create(case=case, organisation=agency)
        _members_add(case, members)
    return joined


@transaction.atomic
def case_update(*, case: Case, user: User, **fields) -> Case:
    """What the investigation found: facts, evidence list, violation and penalty proposed.
    A chosen violation brings its legal and penalty basis when they are still empty."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"case_update does not change {sorted(unknown)}")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_act(HANDLER, user, case):
        raise PermissionDenied(_("只有本案承办人员可以修改案件"))
    if case.state not in EDITABLE_STATES:
        raise ValidationError({"state": _("当前状态（%(s)s）不能修改案件内容") % {
            "s": case.get_state_display()}})
    for name, value in fields.items():
        setattr(case, name, value)
    if case.violation is not None:
        case.legal_basis = case.legal_basis or case.violation.legal_basis
        case.penalty_basis = case.penalty_basis or case.violation.penalty_basis
    with acting_as(user.pk):
        case.save()
    return case


def case_advance(*, case: Case, user: User, action: str, reason: str = "",
                 **changes) -> Case:
    """Take one step of the procedure (the decision may set its penalty as `changes`)."""
    if action == "transfer":
        raise ValueError("a transfer names its receiver: call case_transfer")
    flow = CaseFlow(changes) if changes else FLOW
    return flow.take(action, case, user=user, reason=reason)


@transaction.atomic
def case_transfer(*, case: Case, user: User, to: str, reason: str,
                  agency: Organisation | None = None, receiver: str = "") -> CaseTransfer:
    """案件移送: the head sends the case to the competent agency, which gets a case of its
    own to file (source: this one), or, 涉嫌犯罪, to the public security organ."""
    if to == CaseTransfer.To.AGENCY:
        if agency is None or agency.kind != OrganisationKind.GOVERNMENT \
                or agency.pk == case.organisation_id:
            raise ValidationError({"organisation": _("请选择接收案件的其他行政机关")})
        receiver = agency.name
    elif to == CaseTransfer.To.POLICE:
        agency = None
        if not receiver.strip():
            raise ValidationError({"receiver": _("请填写接收移送的公安机关")})
    else:
        raise ValidationError({"to": _("请选择移送对象")})
    case = FLOW.take("transfer", case, user=user, reason=reason)
    with acting_as(user.pk):
        transfer = CaseTransfer.objects.create(case=case, to=to, organisation=agency,
                                               receiver=receiver.strip(), reason=case.ended_reason)
        if agency is not None:
            case_open(user=None, agency=agency, cause=case.cause, enterprise=case.enterprise,
                      person=None if case.enterprise_id else _person_of(case), source=case,
                      facts=case.facts)
    return transfer


def _person_of(case: Case) -> dict:
    return {"name": case.party_name, "id_number": case.party_id_number,
            "address": case.party_address, "division_code": case.division_code,
            "point": case.geom}


# ---- the discretion benchmark (reference data, kept in the admin) ------------------------
@transaction.atomic
def benchmark_ensure(rows) -> list[Violation]:
    """Violations with their ranges: (code, name, legal basis, penalty basis,
    {circumstance: (min, max)}) for enterprise parties; existing codes are kept as they are."""
    made = []
    for code, name, legal, penalty, bands in rows:
        violation, created = Violation.objects.get_or_create(code=code, defaults={
            "name": name, "legal_basis": legal, "penalty_basis": penalty})
        if created:
            DiscretionRange.objects.bulk_create(
                DiscretionRange(violation=violation, circumstance=c, fine_min=Decimal(low),
                             fine_max=Decimal(high)) for c, (low, high) in bands.items())
        made.append(violation)
    return made


# ---- deadlines (the job runner) --------------------------------------------------------
def case_deadlines_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind the people of each open case whose stage (or its 90-day decision) falls due
    within the reminder days or is overdue: once per case and stage (the notification
    key), however often the job runs. Returns the reminders sent."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=deadlines.remind_days())
    sent = 0
    for case in Case.objects.filter(_falling_due(horizon), state__in=OPEN_STATES):
        for key, label, due in _deadlines_of(case):
            if due is None or due > horizon:
                continue
            late = due < now
            message = messaging.Message(
                kind="case.deadline", link=FLOW.link(case),
                key=f"case.deadline:{case.pk}:{key}",
                title=(_("案件已超期：%(c)s") if late else _("案件即将到期：%(c)s")) % {"c": case},
                body=_("%(what)s期限：%(due)s") % {"what": label,
                                                  "due": f"{timezone.localtime(due):%Y-%m-%d}"})
            sent += len(messaging.notify(next_actors(case), message))
    return sent


def _falling_due(horizon: datetime.datetime) -> Q:
    """The cases with a deadline before `horizon`, as a filter (no row read in Python
    that has nothing due)."""
    due = Q(state=CaseState.NOTIFIED, statement_due__lte=horizon) | Q(
        filed_at__lte=horizon - datetime.timedelta(days=deadlines.decision_days()),
        decided_at__isnull=True)
    for state in OPEN_STATES - {CaseState.NOTIFIED}:
        days = deadlines.stage_days(state)
        if days is not None:
            due |= Q(state=state, stage_since__lte=horizon - datetime.timedelta(days=days))
    return due


def _deadlines_of(case: Case) -> list[tuple[str, str, datetime.datetime | None]]:
    stage = (f"{case.state}:{case.stage_since:%Y%m%d%H%M%S}", case.get_state_display(),
             case.statement_due if case.state == CaseState.NOTIFIED
             else deadlines.stage_due(case.state, case.stage_since))
    rows = [stage]
    if case.filed_at and case.decided_at is None:
        rows.append((f"decision:{case.filed_at:%Y%m%d}", _("作出处罚决定"),
                     deadlines.decision_due(case.filed_at)))
    return rows
