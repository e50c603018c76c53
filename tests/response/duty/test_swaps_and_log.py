"""Swaps on geo.workflow.Review (legal and illegal steps, who may take them), hand-over
notes and the duty log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from geo.models import Notification
from response.duty.models import LogKind, SwapState
from response.duty.selectors import swaps_to_decide
from response.duty.services import (
    duty_log_add,
    handover_add,
    swap_approve,
    swap_request,
    swap_return,
    swap_withdraw,
)
from response.duty.swaps import SWAPS
from tests.response.conftest import IN_B, receive
from tests.response.duty.conftest import make_roster

pytestmark = pytest.mark.django_db


def _first_day(roster):
    return roster.shifts.get(day=roster.starts_on, kind="day")  # lead1 + off1


def test_swap_requested_and_approved_by_another_leader(bureau):
    _, staff = bureau
    shift = _first_day(make_roster(bureau))
    swap = swap_request(shift=shift, user=staff["off1"], role="officer", to_user=staff["off3"],
                        reason="家中有事")
    assert swap.state == SwapState.SUBMITTED
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "lead1", "lead2", "off3"}  # the roster's leaders and the substitute
    assert list(swaps_to_decide(user=staff["lead2"])) == [swap]
    with pytest.raises(PermissionDenied):  # a party to the swap decides nothing
        swap_approve(swap=swap, user=staff["off3"])
    with pytest.raises(PermissionDenied):  # an officer is no leader
        swap_approve(swap=swap, user=staff["off2"])
    swap_approve(swap=swap, user=staff["lead2"])
    shift.refresh_from_db()
    assert shift.officer == staff["off3"]
    with pytest.raises(ValidationError):  # decided already
        swap_return(swap=swap, user=staff["lead2"], reason="x")


def test_only_the_person_on_duty_asks_and_only_a_fellow_member_substitutes(bureau, people):
    _, staff = bureau
    shift = _first_day(make_roster(bureau))
    with pytest.raises(ValidationError):  # off2 is not on this shift
        swap_request(shift=shift, user=staff["off2"], role="officer", to_user=staff["off3"])
    with pytest.raises(ValidationError):  # a leader cannot stand in for an officer
        swap_request(shift=shift, user=staff["off1"], role="officer", to_user=staff["lead2"])
    with pytest.raises(ValidationError):  # an outsider neither
        swap_request(shift=shift, user=staff["off1"], role="officer",
                     to_user=people["county_a"])


def test_return_needs_a_reason_then_submit_again_and_withdraw(bureau):
    _, staff = bureau
    shift = _first_day(make_roster(bureau))
    swap = swap_request(shift=shift, user=staff["off1"], role="officer", to_user=staff["off3"])
    with pytest.raises(ValidationError):
        swap_return(swap=swap, user=staff["lead2"], reason="")
    swap = swap_return(swap=swap, user=staff["lead2"], reason="当天人手不足")
    assert (swap.state, swap.reason, swap.decided_by) == (SwapState.RETURNED, "当天人手不足",
                                                          staff["lead2"])
    swap = SWAPS.submit(swap, user=staff["off1"])  # asked again after the return
    with pytest.raises(PermissionDenied):  # only the asker withdraws
        swap_withdraw(swap=swap, user=staff["off3"])
    swap = swap_withdraw(swap=swap, user=staff["off1"])
    assert swap.state == SwapState.WITHDRAWN
    with pytest.raises(ValidationError):  # nothing left to approve
        swap_approve(swap=swap, user=staff["lead2"])
    shift.refresh_from_db()
    assert shift.officer == staff["off1"]


def test_a_leaders_swap_is_decided_by_another_leader_only(bureau):
    _, staff = bureau
    shift = _first_day(make_roster(bureau))
    swap = swap_request(shift=shift, user=staff["lead1"], role="leader", to_user=staff["lead2"])
    assert swaps_to_decide(user=staff["lead2"]).count() == 0  # the substitute is a party
    with pytest.raises(PermissionDenied):
        swap_approve(swap=swap, user=staff["lead2"])


def test_no_swap_of_a_shift_that_has_begun(bureau):
    _, staff = bureau
    roster = make_roster(bureau, starts_on=datetime.date(2020, 1, 6), days=1)
    with pytest.raises(ValidationError):
        swap_request(shift=_first_day(roster), user=staff["off1"], role="officer",
                     to_user=staff["off3"])


def test_handover_and_log(bureau, people):
    _, staff = bureau
    roster = make_roster(bureau)
    shift = _first_day(roster)
    note = handover_add(shift=shift, user=staff["off1"], text="储罐泄漏事件持续跟踪")
    assert note.by == staff["off1"]
    with pytest.raises(PermissionDenied):
        handover_add(shift=shift, user=people["county_b"], text="x")
    incident = receive(people["county_a"])
    at = shift.starts_at + datetime.timedelta(hours=1)
    entry = duty_log_add(roster=roster, user=staff["off1"], kind=LogKind.INCIDENT,
                         text="接报储罐泄漏", at=at, incident_id=incident.pk)
    assert (entry.shift, entry.division_code) == (shift, "320101000000")
    with pytest.raises(PermissionDenied):
        duty_log_add(roster=roster, user=people["county_b"], kind=LogKind.OTHER, text="x", at=at)
    other = receive(people["county_b"], point=IN_B)
    with pytest.raises(ValidationError):  # an incident the bureau cannot read
        duty_log_add(roster=roster, user=staff["off1"], kind=LogKind.INCIDENT, text="x",
                     at=at, incident_id=other.pk)
