"""The risk cloud map (风险态势云图, ADR 0027): a continuous surface of one day's dynamic
risk, a Gaussian kernel density of the enterprises' scores in EPSG:3857, evaluated per
256×256 tile with numpy.

    D(p) = Σ_i score_i · exp(-d(p, e_i)² / 2σ²),   σ = SIGMA_M metres on the ground

The kernel is not normalised (K(0) = 1), so D is in score units: over a lone enterprise the
surface equals its score and takes its level's colour (bands of the risk model: ≥ 70 red,
≥ 50 orange, ≥ 30 yellow); where enterprises cluster their risks add up. The Gaussian is
separable, so a tile is one matrix product (256 × N) · (N × 256) over the N enterprises
within reach of it: exact at every zoom, no grid to resample.

Only the enterprises the caller's scope sees contribute: the points come from the
`enterprise_risk` layer's scoped SQL."""

from __future__ import annotations

import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import numpy as np
from django.db import connection
from PIL import Image

from geo.scope import Scope
from layers.base import FOUR_COLOURS
from layers.rasters import Bounds
from monitoring.risk.layers import EnterpriseRiskLayer

SIGMA_M = 3000.0  # kernel bandwidth on the ground: a plant's surroundings, a town's share
REACH = 4.0       # the kernel is cut at 4σ (e^-8 ≈ 0.03 % of the peak)
TILE = 256
_KEPT = 32        # (day, scope, version) point sets kept in the process
# How long a process trusts a (day, scope)'s state before asking again: a risk run (every
# 5 minutes) reaches the tiles at most this late, and a cached tile costs no query.
STATE_SECONDS = 2.0

# D (score units) -> RGBA; straight lines between stops, clipped above the last.
# transparent → blue → yellow → orange → red, at the risk model's bands.
_RAMP = [(0.0, FOUR_COLOURS[4], 0), (10.0, FOUR_COLOURS[4], 140), (30.0, FOUR_COLOURS[3], 170),
         (50.0, FOUR_COLOURS[2], 195), (70.0, FOUR_COLOURS[1], 215)]


@dataclass(frozen=True)
class CloudPoints:
    """One day's scored enterprises in the caller's scope, ready for the kernel."""

    x: np.ndarray      # EPSG:3857 metres
    y: np.ndarray
    sigma: np.ndarray  # σ in 3857 units at each point (ground metres / cos(latitude))
    score: np.ndarray


@dataclass(frozen=True)
class CloudState:
    """What a tile of (day, scope) depends on: `version` grows with every risk run of the
    day and changes with any change of its rows; `extent` is where the surface reaches."""

    version: int
    fingerprint: int
    extent: Bounds | None


def _where(scope: Scope) -> tuple[str, list]:
    condition, params = EnterpriseRiskLayer.scope_sql(scope, "r")
    return f"r.day = %s AND r.score > 0 AND {condition}", params


def cloud_state(*, scope: Scope, day: date) -> CloudState:
    """One aggregate over the day's rows in scope (the `day` index): count, newest run,
    sum of scores and positions, and the 3857 box grown by the kernel's reach."""
    where, params = _where(scope)
    table = EnterpriseRiskLayer.table()
    with connection.cursor() as cursor:
        cursor.execute(f"""
SELECT count(*), max(r.as_of), sum(r.score), sum(ST_X(r.geom) * r.score + ST_Y(r.geom)),
       ST_Extent(ST_Transform(r.geom, 3857)), max(abs(ST_Y(r.geom)))
FROM {table} r WHERE {where}""", [day, *params])
        count, as_of, total, spread, box, lat = cursor.fetchone()
    if not count:
        return CloudState(0, 0, None)
    fingerprint = zlib.crc32(repr((count, as_of.isoformat(), round(total, 6),
                                   round(spread, 6))).encode())
    # the newest run's time leads (versions grow run by run, as tiles.pruning expects);
    # the fingerprint's last three digits catch edits and deletions within a run
    version = int(as_of.timestamp()) * 1000 + fingerprint % 1000
    reach = REACH * SIGMA_M / np.cos(np.radians(lat))
    return CloudState(version, fingerprint, _grown(_box(box), reach))


_states: dict[tuple, tuple[float, CloudState]] = {}


def cloud_state_recent(*, scope: Scope, day: date) -> CloudState:
    """`cloud_state`, read at most once every STATE_SECONDS per (day, scope) in the process."""
    key, now = (day, scope.key), time.monotonic()
    hit = _states.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    state = cloud_state(scope=scope, day=day)
    if len(_states) > 4 * _KEPT:  # drop the expired ones now and then
        for old in [k for k, (until, _s) in list(_states.items()) if until <= now]:
            _states.pop(old, None)
    _states[key] = (now + STATE_SECONDS, state)
    return state


def _box(text: str) -> Bounds:
    """'BOX(x0 y0,x1 y1)' -> (x0, y0, x1, y1)."""
    low, high = text[text.index("(") + 1:text.index(")")].split(",")
    (x0, y0), (x1, y1) = (map(float, low.split()), map(float, high.split()))
    return x0, y0, x1, y1


def _grown(box: Bounds, by: float) -> Bounds:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


_points: OrderedDict[tuple, CloudPoints] = OrderedDict()
_lock = threading.Lock()


def cloud_points(*, scope: Scope, day: date, state: CloudState) -> CloudPoints:
    """The day's points in scope, read once per (day, scope, fingerprint) in the process."""
    key = (day, scope.key, state.fingerprint)
    with _lock:
        found = _points.get(key)
        if found is not None:
            _points.move_to_end(key)
            return found
    where, params = _where(scope)
    with connection.cursor() as cursor:
        cursor.execute(f"""
SELECT ST_X(p), ST_Y(p), cos(radians(ST_Y(r.geom))), r.score
FROM (SELECT r.*, ST_Transform(r.geom, 3857) AS p FROM {EnterpriseRiskLayer.table()} r
      WHERE {where}) r""", [day, *params])
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 4)
    found = CloudPoints(rows[:, 0], rows[:, 1], SIGMA_M / rows[:, 2], rows[:, 3])
    with _lock:
        _points[key] = found
        while len(_points) > _KEPT:
            _points.popitem(last=False)
    return found


def forget_points() -> None:
    """Forget the process's point sets and states (tests: each starts afresh)."""
    with _lock:
        _points.clear()
    _states.clear()


def density(points: CloudPoints, bounds: Bounds, size: int = TILE) -> np.ndarray:
    """D at the pixel centres of a size×size tile over `bounds` (rows from the north)."""
    minx, miny, maxx, maxy = bounds
    step = (maxx - minx) / size
    near = ((points.x + REACH * points.sigma > minx) & (points.x - REACH * points.sigma < maxx)
            & (points.y + REACH * points.sigma > miny) & (points.y - REACH * points.sigma < maxy))
    if not near.any():
        return np.zeros((size, size))
    x, y, s, w = points.x[near], points.y[near], points.sigma[near], points.score[near]
    xs = minx + (np.arange(size) + 0.5) * step
    ys = maxy - (np.arange(size) + 0.5) * step
    # offsets in float64 (3857 metres are ~1e7), the kernel's factors and the product in
    # float32: half the matrix product's time, and D to 7 digits is far past a colour step
    gx = np.exp(-((xs[None, :] - x[:, None]) / s[:, None]) ** 2 / 2).astype(np.float32)
    gy = np.exp(-((ys[None, :] - y[:, None]) / s[:, None]) ** 2 / 2).astype(np.float32)
    return (gy * w[:, None].astype(np.float32)).T @ gx  # N × size each: size × size


def _ramp_table() -> tuple[np.ndarray, np.ndarray]:
    stops = np.array([stop for stop, _colour, _alpha in _RAMP])
    rgba = np.array([[int(colour[i:i + 2], 16) for i in (1, 3, 5)] + [alpha]
                     for _stop, colour, alpha in _RAMP], dtype=np.float64)
    return stops, rgba


_STOPS, _COLOURS = _ramp_table()


def colourise(values: np.ndarray) -> np.ndarray:
    """D -> uint8 RGBA (h × w × 4) along the ramp; D ≤ 0 is fully transparent."""
    channels = [np.interp(values, _STOPS, _COLOURS[:, c]) for c in range(4)]
    return np.clip(np.rint(np.stack(channels, axis=-1)), 0, 255).astype(np.uint8)


# The PNG's palette: 256 levels of D on a square-root scale (fine where the alpha climbs
# fastest, near 0), each coloured along the ramp. An 8-bit palette PNG is a third of the
# RGBA one's bytes and encodes in a fifth of its time (measured: 23 KB in 3.5 ms against
# 54 KB in 20 ms); no channel strays more than 3 from the exact ramp.
_LEVELS = np.linspace(0.0, 1.0, 256) ** 2 * _STOPS[-1]
_PALETTE = colourise(_LEVELS)


def palette_index(values: np.ndarray) -> np.ndarray:
    """D -> the uint8 index of its palette level."""
    return np.rint(np.sqrt(np.clip(values, 0.0, _STOPS[-1]) / _STOPS[-1]) * 255).astype(np.uint8)


def cloud_tile(points: CloudPoints, bounds: Bounds) -> bytes:
    """A 256×256 palette PNG of the surface over `bounds`; b"" where it is fully
    transparent (served as 204)."""
    index = palette_index(density(points, bounds))
    if not _PALETTE[index, 3].any():
        return b""
    image = Image.fromarray(index, "P")
    image.putpalette(_PALETTE[:, :3].tobytes())
    out = BytesIO()
    image.save(out, format="PNG", compress_level=6, transparency=_PALETTE[:, 3].tobytes())
    return out.getvalue()
