from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from geo.models import OVERSIGHT_ROLES, Role
from geo.queues import header_counts
from geo.scope import GOVERNMENT_ROLES


def inbox(request: HttpRequest) -> dict:
    """The header's counts — unread messages and the user's work queues (geo.queues) — in
    one query, made lazily: pages that don't show the header (and anonymous visitors)
    cost none, and a page reading both costs one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: header_counts(user))
    return {"header_counts": counts, "inbox_unread": lambda: counts.unread}


@dataclass(frozen=True)
class Nav:
    """Which menus the header shows the caller: decided from the role alone (no query),
    so nobody sees a menu whose pages would be empty for them (an agency user has no
    enterprise registry; the security and audit administrators see no data at all)."""

    registry: bool = False    # enterprises, hazard sources, licences, floor plans, plans
    agencies: bool = False    # intermediary agencies
    monitoring: bool = False  # alarms, commitments, grading, operation, reports
    chemicals: bool = False   # the chemicals catalogue (reference data)
    mine: bool = False        # an enterprise user's own file, first
    enforcement: bool = False  # risk grading, hidden dangers, grids, inspections, cases
    inspecting: bool = False   # the law-enforcement pages (plans, draws, item list, documents)
    response: bool = False     # incidents and duty (the government's)


def nav(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role in OVERSIGHT_ROLES:
        return {"nav": Nav()}
    area = user.is_superuser or user.role == Role.ADMIN or user.role in GOVERNMENT_ROLES
    firm = user.role == Role.ENTERPRISE
    return {"nav": Nav(registry=area or firm, agencies=area or user.role == Role.AGENCY,
                       monitoring=area or firm, chemicals=True, mine=firm,
                       enforcement=area or firm,
                       inspecting=area, response=area)}
