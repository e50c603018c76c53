"""Jurisdiction scope: the one place that turns a caller into a row filter.

Every face (views, REST, OGC API, tiles, exports, Dash callbacks) asks
`scope_for_request` or `scope_for_user` for a `Scope` and applies it with
`Scope.filter` (ORM) or `Scope.sql` (raw SQL). Nothing filters by hand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from geo.models import LEVEL_DIGITS, OVERSIGHT_ROLES, SUPERVISOR_ROLES, Role, code_prefix

GOVERNMENT_ROLES = SUPERVISOR_ROLES | {Role.GRID, Role.ANALYST}
# Users who see their own organisation's rows: an enterprise, or an intermediary agency.
OWNER_ROLES = {Role.ENTERPRISE, Role.AGENCY}
_CACHE_SECONDS = 30.0
_user_scopes: dict[int, tuple[float, Scope]] = {}


@dataclass(frozen=True)
class Scope:
    """What a caller may see. `everything` beats the rest; `None` fields mean "not granted"."""

    everything: bool = False
    prefix: str | None = None          # division code prefix (government users)
    organisation_id: int | None = None  # own organisation (enterprise users)

    @property
    def key(self) -> str:
        """Stable text for cache keys: two callers with equal keys see equal rows."""
        if self.everything:
            return "all"
        if self.prefix is not None:
            return f"p{self.prefix}"
        if self.organisation_id is not None:
            return f"o{self.organisation_id}"
        return "public"

    def q(self, *, division_field: str | None, owner_field: str | None, public: bool) -> Q:
        """The filter for one layer's rows, as a Q object."""
        if self.everything or public:
            return Q()
        if self.prefix is not None and division_field:
            return Q(**{f"{division_field}__startswith": self.prefix})
        if self.organisation_id is not None and owner_field:
            return Q(**{owner_field: self.organisation_id})
        return Q(pk__in=[])

    def filter(self, qs: QuerySet, *, division_field: str | None, owner_field: str | None,
               public: bool = False) -> QuerySet:
        return qs.filter(self.q(division_field=division_field, owner_field=owner_field,
                                public=public))

    def allows_division(self, code: str | None) -> bool:
        """Whether a row with this division code may be written by the caller (imports,
        forms). Owner-only and public scopes write nothing by division."""
        if self.everything:
            return True
        return self.prefix is not None and code is not None and str(code).startswith(self.prefix)

    def sql(self, *, division_col: str | None, owner_col: str | None,
            public: bool = False) -> tuple[str, list]:
        """The same filter as a SQL condition with parameters, for raw queries."""
        if self.everything or public:
            return "TRUE", []
        if self.prefix is not None and division_col:
            return f"{division_col} LIKE %s", [_like_prefix(self.prefix)]
        if self.organisation_id is not None and owner_col:
            return f"{owner_col} = %s", [self.organisation_id]
        return "FALSE", []


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


PUBLIC = Scope()
EVERYTHING = Scope(everything=True)


def scope_for_user(user) -> Scope:
    """The scope of a user object (anonymous users get the public scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    if user.role in OVERSIGHT_ROLES:  # they read the logs, not the data (三权分立)
        return PUBLIC
    if user.is_superuser or user.role == Role.ADMIN:
        return EVERYTHING
    if user.role in OWNER_ROLES:
        return Scope(organisation_id=user.organisation_id) if user.organisation_id else PUBLIC
    if user.role in GOVERNMENT_ROLES and user.division_id:
        division = user.division
        return Scope(prefix=code_prefix(division.code, division.level))
    return PUBLIC


def reader_prefixes(user) -> list[str]:
    """The area prefixes that contain where `user` stands (their division, else their
    organisation's): rows addressed to one of these areas reach them (notices published to
    areas). The reverse of a Scope, which finds the rows inside the caller's area. Empty for
    visitors, the overseers and users of no place."""
    if user is None or not user.is_authenticated or not user.is_active \
            or user.role in OVERSIGHT_ROLES:
        return []
    code = user.division_id or (user.organisation.division_id if user.organisation_id else None)
    if not code:
        return []
    return [code[:digits] for digits in sorted(set(LEVEL_DIGITS.values()))]


def scope_for_user_id(user_id: int) -> Scope:
    """Scope by user id, cached in the process for a few seconds (no query on a hit)."""
    scope = cached_scope_for_user_id(user_id)
    if scope is not None:
        return scope
    from geo.models import User

    user = User.objects.select_related("division").filter(pk=user_id).first()
    scope = scope_for_user(user)
    _user_scopes[user_id] = (time.monotonic() + _CACHE_SECONDS, scope)
    return scope


def cached_scope_for_user_id(user_id: int) -> Scope | None:
    """The cached scope, or None when finding it would take a query (for fast paths)."""
    hit = _user_scopes.get(user_id)
    return hit[1] if hit and hit[0] > time.monotonic() else None


def forget_user_scope(user_id: int) -> None:
    _user_scopes.pop(user_id, None)


def scope_for_request(request) -> Scope:
    """The caller's scope. Reads the token or signed session without touching the
    database when the caller was seen in the last few seconds."""
    user_id = caller_user_id(request)
    if user_id is None:
        return PUBLIC
    return scope_for_user_id(int(user_id))


def caller_user_id(request):
    """The token's user id, else the session's; None for anonymous callers. No query."""
    user_id = getattr(request, "token_user_id", None)
    if user_id is not None:
        return user_id
    from django.contrib.auth import SESSION_KEY

    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None
