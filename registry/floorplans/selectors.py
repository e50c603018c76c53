"""Reads of floor plans, always through the caller's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from geo import authority
from geo.places import owned_filter
from geo.scope import Scope
from layers.base import registry
from registry.enterprises.models import Enterprise
from registry.floorplans.models import FloorPlan


def floor_plan_list(*, scope: Scope) -> QuerySet[FloorPlan]:
    return owned_filter(FloorPlan.objects.all(), scope)


def enterprise_floor_plans(*, scope: Scope, enterprise: Enterprise) -> list[FloorPlan]:
    """One enterprise's plans, without the fit's control points and residuals."""
    return list(floor_plan_list(scope=scope).filter(enterprise=enterprise)
                .defer("control_points", "residuals_m"))


def floor_plan_get(*, scope: Scope, plan_id: int) -> FloorPlan | None:
    return floor_plan_list(scope=scope).filter(pk=plan_id).first()


def floor_plan_enterprise_get(*, scope: Scope, enterprise_id: int) -> Enterprise | None:
    """The enterprise a caller may attach a plan to (enterprise users: only their own)."""
    return registry.get("enterprises").queryset(scope).filter(pk=enterprise_id).first()


def floor_plan_page_list(*, scope: Scope) -> QuerySet[FloorPlan]:
    """Plans for the list page, with their enterprise in the same query."""
    return floor_plan_list(scope=scope).select_related("enterprise").only(
        "id", "name", "media_type", "width", "height", "fit_method", "rms_m", "extent", "cog",
        "created", "updated", "enterprise__id", "enterprise__name")


def floor_plan_enterprise_choices(*, scope: Scope, user, limit: int = 500
                                  ) -> list[tuple[int, str]]:
    """(id, name) of the enterprises the caller may attach a plan to, for the upload form:
    those it reads that the write gate lets it change (none for analysts, grid members)."""
    rows = (registry.get("enterprises").queryset(scope).order_by("name")
            .only("id", "name", "division_code", "organisation_id")[:limit])
    return [(e.pk, e.name) for e in rows if authority.may_edit(user, e)]


def floor_plan_tiles(plan_id: int) -> str:
    """The plan's XYZ tile URL template, for other modules' page maps (a risk point drawn
    on the plan). Imported late: the tile source reads plans through this module."""
    from registry.floorplans.tile_source import tile_url_template

    return tile_url_template(plan_id)
