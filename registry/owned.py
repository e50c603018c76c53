"""Rows that belong to one enterprise (hazard sources, floor plans, licences) copy its
division code and organisation, so the one scope helper filters them like the
enterprise itself. These two functions are the only place that knows the copy."""

from __future__ import annotations

from django.db.models import QuerySet

from geo.scope import Scope
from registry.enterprises.models import Enterprise


def owned_scope_fields(enterprise: Enterprise) -> dict:
    """The scope fields an enterprise-owned row takes from its enterprise."""
    return {"division_code": enterprise.division_code,
            "organisation_id": enterprise.organisation_id}


def owned_filter(qs: QuerySet, scope: Scope) -> QuerySet:
    """Enterprise-owned rows the caller may read."""
    return scope.filter(qs, division_field="division_code", owner_field="organisation")
