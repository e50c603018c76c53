"""The write gate: who may change a row. Reads go through `geo.scope`; every write and
every decision asks here, nowhere else (ARCHITECTURE.md "Jurisdiction and access").

A row names its place and its owner with the columns of `geo.places`: `division_code`
and `organisation_id` (an enterprise's own organisation, or the organisation that owns
an owned row). The rules:
- the owner is a user of the row's organisation: it keeps its own rows and submits them;
- a supervisor is a government supervisor (province, city, county, park) or the system
  administrator; analysts and grid members read only;
- a supervisor supervises the rows whose division code lies in their jurisdiction, and
  decides (accepts, returns, approves) what an owner submitted, never their own;
- the security and audit administrators (三权分立) change no data at all, whatever else
  their account says (an organisation, the superuser flag).
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from geo.models import OVERSIGHT_ROLES, SUPERVISOR_ROLES, Role
from geo.scope import scope_for_user_id


class Row(Protocol):
    division_code: str
    organisation_id: int | None


def _may_write(user) -> bool:
    """Signed in, active, and not an overseer: the condition of every write."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and user.role not in OVERSIGHT_ROLES)


def may_act(user) -> bool:
    """Whether `user` may write at all: signed in, active, not an overseer. For the writes
    of people named on a row rather than by role (a grid member on their own grid's
    patrols); the slice then checks that the person is named."""
    return _may_write(user)


def is_supervisor(user) -> bool:
    """A role that supervises: edits files directly, decides filings and reviews."""
    return _may_write(user) and (user.is_superuser or user.role == Role.ADMIN
                                 or user.role in SUPERVISOR_ROLES)


def may_place(user, division_code: str | None) -> bool:
    """Whether `user` may put a new row in this division (register an enterprise there)."""
    # The id-keyed scope is cached per process: no division query on every page.
    return is_supervisor(user) and scope_for_user_id(user.pk).allows_division(division_code)


def owns(user, row: Row) -> bool:
    """A user of the organisation that owns `row`."""
    return bool(_may_write(user) and user.organisation_id is not None
                and user.organisation_id == row.organisation_id)


def supervises(user, row: Row) -> bool:
    """A supervisor whose jurisdiction covers the row's place."""
    return may_place(user, row.division_code)


def may_edit(user, row: Row) -> bool:
    """Its owner, or a supervisor over it."""
    return owns(user, row) or supervises(user, row)


def may_decide(user, row: Row) -> bool:
    """A supervisor over `row` who does not own it: nobody decides their own submission."""
    return supervises(user, row) and not owns(user, row)


def holds_post(user, row: Row, post: str) -> bool:
    """A supervisor of the organisation that owns `row` who holds `post` there (the
    agency's head approves a case's filing and decision; its legal reviewer reviews)."""
    return owns(user, row) and is_supervisor(user) and post in (user.posts or [])


# ---- the same rules over row sets (work queues, lists of what waits for a user) ----------
def decidable(user, rows: QuerySet, *, division_field: str = "division_code",
              owner_field: str = "organisation") -> QuerySet | None:
    """`may_decide` as a filter: the rows a supervisor may decide — in their jurisdiction,
    not their own organisation's. None for users who decide nothing."""
    if not is_supervisor(user):
        return None
    scope = scope_for_user_id(user.pk)
    rows = rows.filter(scope.q(division_field=division_field, owner_field=None, public=False))
    if user.organisation_id is not None:
        rows = rows.exclude(**{owner_field: user.organisation_id})
    return rows


def owned_rows(user, rows: QuerySet, *, owner_field: str = "organisation") -> QuerySet | None:
    """`owns` as a filter: the rows of the user's organisation. None without one."""
    if not _may_write(user) or user.organisation_id is None:
        return None
    return rows.filter(**{owner_field: user.organisation_id})
