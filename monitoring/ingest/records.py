"""A batch's `reading` records turned into rows for the readings table.

Protocol §3.1: `point`, `ts` (Unix ms, UTC), `value` (null when bad), `raw`, `quality`,
`reason`. A record for a point the gateway has no sensor for is refused (not stored; the
caller logs it as a security event). Every other record is stored; a value that cannot
count — bad quality, not a finite number, a time in the future, outside the sensor's range
— is stored with `valid` false and the reason, so it never raises or clears an alarm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

FUTURE = timedelta(minutes=5)  # clock skew an agent may have before its times are refused
_MAX_MS = 253402300799999  # 9999-12-31: later times cannot be stored


@dataclass(frozen=True)
class Point:
    """What the ingest needs to know of a sensor."""

    id: int
    low: float | None
    high: float | None


@dataclass
class Rows:
    rows: list[tuple] = field(default_factory=list)  # in the readings table's column order
    refused: set[str] = field(default_factory=set)
    invalid: int = 0


def reading_rows(gateway: str, records: list[dict], points: dict[str, Point],
                 now: datetime) -> Rows:
    out = Rows()
    for record in records:
        point = points.get(record.get("point"))
        if point is None:
            out.refused.add(str(record.get("point"))[:128])
            continue
        ts, time_reason = _time(record.get("ts"), now)
        value, reason = _value(record.get("value"))
        raw, _ = _value(record.get("raw"))
        quality = record.get("quality") if record.get("quality") in {
            "good", "uncertain", "bad"} else "bad"
        reason = reason or time_reason or _range(value, point)
        if quality != "good" and not reason:
            reason = str(record.get("reason") or quality)[:64]
        valid = not reason and quality == "good"
        out.invalid += not valid
        out.rows.append((gateway, int(record["seq"]), ts, point.id, value, raw, quality,
                         valid, reason, now))
    return out


def _time(ms, now: datetime) -> tuple[datetime, str]:
    if isinstance(ms, bool) or not isinstance(ms, int) or not 0 <= ms <= _MAX_MS:
        return now, "bad_time"
    ts = datetime.fromtimestamp(ms / 1000, UTC)
    return ts, "future_time" if ts > now + FUTURE else ""


def _value(value) -> tuple[float | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, bool):
        return float(value), ""
    if not isinstance(value, int | float):
        return None, "not_a_number"
    value = float(value)
    return (value, "") if math.isfinite(value) else (None, "not_finite")


def _range(value: float | None, point: Point) -> str:
    if value is None:
        return ""
    if (point.low is not None and value < point.low) or \
            (point.high is not None and value > point.high):
        return "out_of_range"
    return ""
