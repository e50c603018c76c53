"""Control-point fit: an affine transform from pixel (col, row) to EPSG:3857 metres,
exact for three points and least squares (numpy) for more, with each point's residual
in ground metres (Web Mercator metres scaled by cos(latitude))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rasterio.warp import transform as warp_transform

WGS84 = "EPSG:4326"
WEB_MERCATOR = "EPSG:3857"


@dataclass(frozen=True)
class Fit:
    coefficients: list[float]  # a, b, c, d, e, f: x = a·col + b·row + c, y = d·col + e·row + f
    residuals_m: list[float]


def parse_control_points(raw) -> list[dict]:
    """[{"col","row","lon","lat"}, …] with at least three points, or ValidationError."""
    if not isinstance(raw, list) or len(raw) < 3:
        raise ValidationError(_("至少需要三个控制点"), code="points")
    points = []
    for i, item in enumerate(raw, start=1):
        try:
            point = {k: float(item[k]) for k in ("col", "row", "lon", "lat")}
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("第 %(i)d 个控制点应含 col、row、lon、lat 数值")
                                  % {"i": i}, code="points") from None
        if not (-180 <= point["lon"] <= 180 and -85 <= point["lat"] <= 85):
            raise ValidationError(_("第 %(i)d 个控制点经纬度超出范围") % {"i": i},
                                  code="points")
        points.append(point)
    return points


def fit_affine(points: list[dict]) -> Fit:
    pixels = np.array([[p["col"], p["row"], 1.0] for p in points])
    xs, ys = warp_transform(WGS84, WEB_MERCATOR, [p["lon"] for p in points],
                            [p["lat"] for p in points])
    target = np.column_stack([xs, ys])
    if np.linalg.matrix_rank(pixels) < 3:
        raise ValidationError(_("控制点共线，无法确定仿射变换"), code="collinear")
    solution, *_unused = np.linalg.lstsq(pixels, target, rcond=None)
    misfit = pixels @ solution - target
    scale = np.cos(np.radians([p["lat"] for p in points]))
    residuals = np.hypot(misfit[:, 0], misfit[:, 1]) * scale
    (a, d), (b, e), (c, f) = solution.tolist()
    return Fit([a, b, c, d, e, f], [round(float(r), 3) for r in residuals])


def corners_extent(coefficients: list[float], width: int, height: int) -> list[float]:
    """Axis-aligned EPSG:3857 box of the plan's four corners (the fit may rotate it)."""
    a, b, c, d, e, f = coefficients
    cols = np.array([0, width, 0, width])
    rows = np.array([0, 0, height, height])
    xs, ys = a * cols + b * rows + c, d * cols + e * rows + f
    return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]
