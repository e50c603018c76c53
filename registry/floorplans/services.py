"""Writes for floor plans (厂区平面图): upload (validated before anything is stored) and
georeferencing (affine or second-order polynomial fit, residuals, Cloud-Optimised GeoTIFF)."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import numpy as np
from affine import Affine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from geo.places import owned_copy
from registry.enterprises.models import Enterprise
from registry.floorplans.georeference import (
    AFFINE,
    Fit,
    fit_points,
    method_checked,
    parse_control_points,
    plan_extent,
    points_3857,
)
from registry.floorplans.models import FloorPlan
from registry.floorplans.raster import rgba_from_bytes, warp_polynomial, write_cog
from registry.floorplans.validation import DEFAULT_MAX_PIXELS, floor_plan_check


def floor_plan_upload(*, enterprise: Enterprise, file, name: str) -> FloorPlan:
    """Check the file (raises ValidationError, storing nothing), then store the original."""
    checked = floor_plan_check(file)
    stored = default_storage.save(f"floorplans/{uuid.uuid4().hex}/original{checked.suffix}",
                                  ContentFile(checked.data))
    try:
        with transaction.atomic():
            plan = FloorPlan(enterprise=enterprise, name=name[:200] or stored,
                             original=stored, media_type=checked.media_type,
                             width=checked.width, height=checked.height)
            owned_copy(plan)
            plan.save()
            return plan
    except Exception:
        default_storage.delete(stored)
        raise


def floor_plan_georeference(*, plan: FloorPlan, control_points,
                            method: str | None = None) -> FloorPlan:
    """Fit pixel → EPSG:3857 by `method` ("affine", the default, or "polynomial"), store
    residuals and RMS, and (re)write the plan's COG."""
    method = method_checked(method)
    points = parse_control_points(control_points, method=method)
    fit = fit_points(points, method)
    with plan.original.open("rb") as original:
        rgba = rgba_from_bytes(original.read())
    rgba, transform = _placed(rgba, fit, points)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.tif"
        write_cog(str(path), rgba, transform)
        with path.open("rb") as cog:
            stored = default_storage.save(f"{Path(plan.original.name).parent}/plan.tif",
                                          File(cog))
    previous = plan.cog.name
    plan.control_points = points
    plan.fit_method = fit.method
    plan.transform = fit.coefficients
    plan.residuals_m = fit.residuals_m
    plan.rms_m = fit.rms_m
    plan.extent = plan_extent(fit, plan.width, plan.height)
    plan.cog = stored
    plan.save()
    if previous and previous != stored:
        default_storage.delete(previous)
    return plan


def _placed(rgba: np.ndarray, fit: Fit, points: list[dict]) -> tuple[np.ndarray, Affine]:
    """The pixels and geotransform for the COG: an affine fit is the COG's own (rotated)
    transform; a polynomial one is warped north-up by GDAL from the same control points."""
    if fit.method == AFFINE:
        return rgba, Affine(*fit.coefficients)
    # the warped plan may be larger than the original, but not without bound
    limit = 2 * getattr(settings, "FLOORPLAN_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    warped = warp_polynomial(rgba, *points_3857(points), max_pixels=limit)
    if warped is None:
        raise ValidationError(_("二次多项式变换结果过度拉伸，请检查控制点"), code="stretch")
    return warped
