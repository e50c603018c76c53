"""Control-point fits from pixel (col, row) to EPSG:3857 metres: affine (three points or
more) or second-order polynomial (six or more), least squares in numpy, with each point's
residual and the RMS in ground metres (Web Mercator metres scaled by cos(latitude))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rasterio.warp import transform as warp_transform

WGS84 = "EPSG:4326"
WEB_MERCATOR = "EPSG:3857"

AFFINE, POLYNOMIAL = "affine", "polynomial"
# method → (label, minimum control points: unknowns per axis)
METHODS = {AFFINE: (gettext_lazy("仿射变换"), 3), POLYNOMIAL: (gettext_lazy("二次多项式"), 6)}


@dataclass(frozen=True)
class Fit:
    method: str
    # affine: a, b, c, d, e, f with x = a·col + b·row + c, y = d·col + e·row + f;
    # polynomial: six for x then six for y, on the terms 1, col, row, col², col·row, row²
    coefficients: list[float]
    residuals_m: list[float]
    rms_m: float

    def apply(self, cols: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """EPSG:3857 x, y of pixel positions."""
        return apply_fit(self.method, self.coefficients, cols, rows)


def method_checked(raw) -> str:
    method = raw or AFFINE
    if method not in METHODS:
        raise ValidationError(_("未知的校正方法：%(m)s（可选 affine、polynomial）") % {"m": raw},
                              code="method")
    return method


def parse_control_points(raw, *, method: str = AFFINE) -> list[dict]:
    """[{"col","row","lon","lat"}, …] with enough points for `method`, or ValidationError."""
    label, minimum = METHODS[method]
    if not isinstance(raw, list) or len(raw) < minimum:
        raise ValidationError(_("%(method)s至少需要 %(n)d 个控制点")
                              % {"method": label, "n": minimum}, code="points")
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


def points_3857(points: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """cols, rows, x, y (EPSG:3857) of parsed control points."""
    xs, ys = warp_transform(WGS84, WEB_MERCATOR, [p["lon"] for p in points],
                            [p["lat"] for p in points])
    return (np.array([p["col"] for p in points]), np.array([p["row"] for p in points]),
            np.array(xs), np.array(ys))


def _terms(method: str, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    ones = np.ones_like(cols, dtype=np.float64)
    if method == AFFINE:
        return np.column_stack([cols, rows, ones])
    return np.column_stack([ones, cols, rows, cols * cols, cols * rows, rows * rows])


def apply_fit(method: str, coefficients: list[float], cols, rows) -> tuple[np.ndarray, np.ndarray]:
    terms = _terms(method, np.asarray(cols, np.float64), np.asarray(rows, np.float64))
    half = len(coefficients) // 2
    return terms @ np.array(coefficients[:half]), terms @ np.array(coefficients[half:])


def fit_points(points: list[dict], method: str = AFFINE) -> Fit:
    cols, rows, xs, ys = points_3857(points)
    terms = _terms(method, cols, rows)
    if np.linalg.matrix_rank(terms) < terms.shape[1]:
        message = (_("控制点共线，无法确定仿射变换") if method == AFFINE else
                   _("控制点分布不足（共线或位于同一条二次曲线上），无法确定二次多项式"))
        raise ValidationError(message, code="collinear")
    # centred targets keep the least squares in metres rather than in 10⁷-metre coordinates
    centre = np.array([xs.mean(), ys.mean()])
    target = np.column_stack([xs, ys]) - centre
    solution, *_unused = np.linalg.lstsq(terms, target, rcond=None)
    misfit = terms @ solution - target
    constant = 2 if method == AFFINE else 0  # the index of the constant term
    solution[constant] += centre
    scale = np.cos(np.radians([p["lat"] for p in points]))
    residuals = np.hypot(misfit[:, 0], misfit[:, 1]) * scale
    rms = float(np.sqrt(np.mean(residuals ** 2)))
    return Fit(method, solution[:, 0].tolist() + solution[:, 1].tolist(),
               [round(float(r), 3) for r in residuals], round(rms, 3))


def plan_extent(fit: Fit, width: int, height: int, samples: int = 33) -> list[float]:
    """Axis-aligned EPSG:3857 box of the plan's outline (the fit may rotate or bend it)."""
    steps = np.linspace(0.0, 1.0, samples)
    cols = np.concatenate([steps * width, np.full(samples, width), steps * width,
                           np.zeros(samples)])
    rows = np.concatenate([np.zeros(samples), steps * height, np.full(samples, height),
                           steps * height])
    xs, ys = fit.apply(cols, rows)
    return [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())]
