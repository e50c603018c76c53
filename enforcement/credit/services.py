"""Writes of the credit slice: propose a blacklist entry, take its steps, let expired ones
off the list; open an accident investigation, mark its milestones, close and archive it.
Every write asks `geo.authority` (through the flows' actors)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases.selectors import case_document_fields
from enforcement.credit.flow import HEAD, INVESTIGATION, LISTING, OFFICER, may_act
from enforcement.credit.models import (
    AccidentLevel,
    Investigation,
    Listing,
    ListingState,
    Milestone,
    SubjectKind,
)
from geo.audit import acting_as
from geo.models import Organisation, OrganisationKind, User


def _agency_check(agency: Organisation, division_code: str) -> None:
    if agency.kind != OrganisationKind.GOVERNMENT:
        raise ValidationError({"organisation": _("认定机关须为政府部门")})
    if not division_code.startswith(agency.division.prefix):
        raise ValidationError({"organisation": _("主体不在该机关的管辖区域内")})


def _subject(enterprise, person: dict | None, case) -> dict:
    if case is not None:
        party = case_document_fields(case)["party"]
        if party["kind"] == SubjectKind.ENTERPRISE and person is None:
            enterprise = case.enterprise
        elif person is None:
            person = {"name": party["name"], "id_number": party["id_number"],
                      "division_code": party["division_code"]}
    if enterprise is not None and person is None:
        return {"subject_kind": SubjectKind.ENTERPRISE, "enterprise": enterprise,
                "name": enterprise.name, "id_number": enterprise.credit_code,
                "division_code": enterprise.division_code}
    person = person or {}
    if not person.get("name") or not (person.get("division_code") or enterprise):
        raise ValidationError({"name": _("请选择失信单位或填写失信人员姓名及所在区划")})
    return {"subject_kind": SubjectKind.PERSON, "enterprise": enterprise,
            "name": person["name"], "id_number": person.get("id_number", ""),
            "position": person.get("position", ""),
            "division_code": person.get("division_code") or enterprise.division_code}


@transaction.atomic
def listing_propose(*, user: User, agency: Organisation, reason: str, joint: bool = False,
                    enterprise: Model | None = None, person: dict | None = None,
                    case: Model | None = None) -> Listing:
    """拟列入: an enterprise, or a person (`person`: name, id_number, position,
    division_code; with `enterprise`, a person of that enterprise), for a reason, perhaps
    after a case (its party, unless a person of it is named)."""
    row = Listing(organisation=agency, reason=reason.strip(), joint=joint, case=case,
                  **_subject(enterprise, person, case))
    if not may_act(OFFICER, user, row):
        raise PermissionDenied(_("只有管辖该主体的认定机关执法人员可以提出列入"))
    _agency_check(agency, row.division_code)
    if not row.reason:
        raise ValidationError({"reason": _("请填写列入事由")})
    with acting_as(user.pk):
        row.save()
    return row


def listing_advance(*, listing: Listing, user: User, action: str, reason: str = "") -> Listing:
    return LISTING.take(action, listing, user=user, reason=reason)


def listings_expire(*, now: datetime.datetime | None = None) -> int:
    """Entries whose publication term has run out leave the list (移出, 公示期满): the
    job runner's, not a user's, so no step of the flow."""
    now = now or timezone.now()
    return Listing.objects.filter(state=ListingState.PUBLISHED,
                                  until__lt=timezone.localdate(now)).update(
        state=ListingState.REMOVED, removed_at=now, removal=_("公示期满，自动移出"))


@transaction.atomic
def investigation_open(*, user: User, agency: Organisation, name: str,
                       occurred_at: datetime.datetime, level: str, due: datetime.date,
                       enterprise: Model | None = None, division_code: str = "",
                       team: Sequence[dict] = (),
                       milestones: Sequence[tuple[str, datetime.date]] = ()) -> Investigation:
    """事故调查: the accident, its team (name, unit, duty) and the planned milestones."""
    row = Investigation(organisation=agency, name=name.strip(), occurred_at=occurred_at,
                        level=level, due=due, enterprise=enterprise, team=list(team),
                        division_code=enterprise.division_code if enterprise else division_code)
    if not may_act(HEAD, user, row):
        raise PermissionDenied(_("只有牵头机关负责人可以组织事故调查"))
    _agency_check(agency, row.division_code)
    if level not in AccidentLevel.values:
        raise ValidationError({"level": _("请选择事故等级")})
    with acting_as(user.pk):
        row.save()
        Milestone.objects.bulk_create(Milestone(investigation=row, name=n, due=d)
                                      for n, d in milestones)
    return row


@transaction.atomic
def milestone_done(*, milestone: Milestone, user: User, note: str = "") -> Milestone:
    # read again under lock: a page's copy may predate the closing
    investigation = Investigation.objects.select_for_update().get(pk=milestone.investigation_id)
    if not may_act(OFFICER, user, investigation):
        raise PermissionDenied(_("只有牵头机关的执法人员可以登记调查进展"))
    if investigation.state != "investigating":
        raise ValidationError({"state": _("调查已结案，不能再登记进展")})
    with acting_as(user.pk):
        milestone.done_at, milestone.done_by, milestone.note = timezone.now(), user, note
        milestone.save()
    return milestone


def investigation_advance(*, investigation: Investigation, user: User, action: str,
                          reason: str = "") -> Investigation:
    return INVESTIGATION.take(action, investigation, user=user, reason=reason)
