"""Writes for floor plans (厂区平面图): upload (validated before anything is stored) and
georeferencing (affine fit, residuals, Cloud-Optimised GeoTIFF)."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from registry.floorplan_models import FloorPlan
from registry.floorplans.georeference import corners_extent, fit_affine, parse_control_points
from registry.floorplans.raster import rgba_from_bytes, write_cog
from registry.floorplans.validation import floor_plan_check
from registry.models import Enterprise
from registry.owned import owned_scope_fields


def floor_plan_upload(*, enterprise: Enterprise, file, name: str) -> FloorPlan:
    """Check the file (raises ValidationError, storing nothing), then store the original."""
    checked = floor_plan_check(file)
    stored = default_storage.save(f"floorplans/{uuid.uuid4().hex}/original{checked.suffix}",
                                  ContentFile(checked.data))
    try:
        with transaction.atomic():
            return FloorPlan.objects.create(
                enterprise=enterprise, **owned_scope_fields(enterprise),
                name=name[:200] or stored,
                original=stored, media_type=checked.media_type, width=checked.width,
                height=checked.height,
            )
    except Exception:
        default_storage.delete(stored)
        raise


def floor_plan_georeference(*, plan: FloorPlan, control_points) -> FloorPlan:
    """Fit pixel → EPSG:3857, store residuals, and (re)write the plan's COG."""
    points = parse_control_points(control_points)
    fit = fit_affine(points)
    with plan.original.open("rb") as original:
        rgba = rgba_from_bytes(original.read())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.tif"
        write_cog(str(path), rgba, fit.coefficients)
        with path.open("rb") as cog:
            stored = default_storage.save(f"{Path(plan.original.name).parent}/plan.tif",
                                          File(cog))
    previous = plan.cog.name
    plan.control_points = points
    plan.transform = fit.coefficients
    plan.residuals_m = fit.residuals_m
    plan.extent = corners_extent(fit.coefficients, plan.width, plan.height)
    plan.cog = stored
    plan.save()
    if previous and previous != stored:
        default_storage.delete(previous)
    return plan
