"""Range conversion (量程变换): raw value -> engineering units, with quality."""

from collectors.config import Scale

GOOD = "good"
UNCERTAIN = "uncertain"
BAD = "bad"


def to_engineering(raw: float, scale: Scale | None) -> tuple[float, str, str | None]:
    """Return (value, quality, reason).

    A raw value outside the configured raw range means a broken loop (e.g. < 4 mA)
    or an over-range transmitter: the value is clamped and flagged, never passed
    on as if it were a good measurement.
    """
    if scale is None:
        return float(raw), GOOD, None
    lo, hi = sorted((scale.raw_lo, scale.raw_hi))
    quality, reason = GOOD, None
    if raw < lo or raw > hi:
        quality, reason = UNCERTAIN, "raw_below_range" if raw < lo else "raw_above_range"
        if scale.clamp:
            raw = min(max(raw, lo), hi)
    span = (raw - scale.raw_lo) / (scale.raw_hi - scale.raw_lo)
    return scale.eng_lo + span * (scale.eng_hi - scale.eng_lo), quality, reason
