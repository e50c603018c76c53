"""Filing (备案) of a major hazard source: the owning enterprise submits (提交备案), a
supervisor whose jurisdiction covers the source accepts it (受理备案) or returns it with a
reason (退回). Each step is kept as a `HazardSourceFiling` row; the state change on the
source goes through the audit log (HazardSource is audit-tracked as a layer model).

Filing number (备案编号): `<county code>-<year>-<4-digit serial>`, e.g. `320101-2026-0007`.
The document numbering rules in the domain reference (§5.2) cover enforcement documents
only; we keep their principle — one serial per issuing area per year, restarting each
year — with the 6-digit GB/T 2260 county code of the source as the area.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import User
from registry.hazards.models import (
    FilingAction,
    FilingState,
    HazardSource,
    HazardSourceFiling,
    ResponsibleRole,
)

SUBMITTABLE = {FilingState.DRAFT, FilingState.RETURNED}


@transaction.atomic
def hazard_source_submit(*, source: HazardSource, user: User) -> HazardSourceFiling:
    if not authority.owns(user, source):
        raise PermissionDenied(_("只有本企业用户可以提交备案"))
    source = _locked(source)
    if source.filing_state not in SUBMITTABLE:
        raise ValidationError({"filing_state": _("当前状态“%(s)s”不能提交备案")
                               % {"s": source.get_filing_state_display()}})
    _check_complete(source)
    return _step(source, user, FilingAction.SUBMIT, FilingState.SUBMITTED)


@transaction.atomic
def hazard_source_accept(*, source: HazardSource, user: User,
                         reason: str = "") -> HazardSourceFiling:
    """Accept a submitted filing and give it the next number of its county and year."""
    source = _decidable(source, user)
    now = timezone.now()
    # A source filed again after a change keeps the number it was first filed under.
    source.filing_number = source.filing_number or _next_number(
        source.division_code[:6], timezone.localdate(now).year)
    source.filed_at = now
    return _step(source, user, FilingAction.ACCEPT, FilingState.ACCEPTED, reason=reason,
                 number=source.filing_number)


@transaction.atomic
def hazard_source_return(*, source: HazardSource, user: User, reason: str) -> HazardSourceFiling:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时须填写原因")})
    source = _decidable(source, user)
    return _step(source, user, FilingAction.RETURN, FilingState.RETURNED, reason=reason)


def hazard_source_refile_needed(source: HazardSource) -> HazardSourceFiling | None:
    """A submitted or filed source whose identification or grading changed goes back to
    the enterprise to be filed again (《危险化学品重大危险源监督管理暂行规定》: a changed
    major hazard source updates its file and is filed anew). Called by the evaluation."""
    if source.filing_state not in (FilingState.SUBMITTED, FilingState.ACCEPTED):
        return None
    source.filing_state = FilingState.DRAFT
    source.save(update_fields=["filing_state", "updated"])
    return HazardSourceFiling.objects.create(
        source=source, action=FilingAction.CHANGE, user=None, number=source.filing_number or "",
        reason=_("辨识分级结果已变化（S、R或级别），请更新档案后重新提交备案"))


def _locked(source: HazardSource) -> HazardSource:
    """The row again under a lock, so two clicks cannot both move it."""
    return HazardSource.objects.select_for_update().get(pk=source.pk)


def _decidable(source: HazardSource, user: User) -> HazardSource:
    if not authority.may_decide(user, source):
        raise PermissionDenied(_("只有管辖该重大危险源的监管部门可以受理或退回备案"))
    source = _locked(source)
    if source.filing_state != FilingState.SUBMITTED:
        raise ValidationError({"filing_state": _("当前状态“%(s)s”不是待受理")
                               % {"s": source.get_filing_state_display()}})
    return source


def _check_complete(source: HazardSource) -> None:
    """What a filing must carry: an evaluated major hazard and its three responsible persons."""
    errors = {}
    if not source.items.exists():
        errors["chemicals"] = _("未登记危险化学品")
    elif not source.is_major or source.level is None:
        errors["level"] = _("未构成重大危险源或尚未确定级别，不需也不能备案")
    roles = set(source.persons.values_list("role", flat=True))
    missing = [str(label) for value, label in ResponsibleRole.choices if value not in roles]
    if missing:
        errors["persons"] = _("缺少包保责任人：%(r)s") % {"r": "、".join(missing)}
    if errors:
        raise ValidationError(errors)


def _step(source: HazardSource, user: User, action: str, state: str, *, reason: str = "",
          number: str = "") -> HazardSourceFiling:
    source.filing_state = state
    with acting_as(user.pk):  # attribute the audited state change outside a request too
        source.save(update_fields=["filing_state", "filing_number", "filed_at", "updated"])
    return HazardSourceFiling.objects.create(source=source, action=action, user=user,
                                             reason=reason, number=number)


def _next_number(county: str, year: int) -> str:
    prefix = f"{county}-{year}-"
    with connection.cursor() as cursor:
        # One serial per county and year: serialise the numbering of that pair only.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [prefix])
    last = (HazardSource.objects.filter(filing_number__startswith=prefix)
            .order_by("-filing_number").values_list("filing_number", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"
