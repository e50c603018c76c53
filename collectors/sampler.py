"""Sampling loop: read a group of points at its period and journal the result."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from collectors.config import Point
from collectors.journal import Journal, Record
from collectors.scaling import BAD, to_engineering
from collectors.source_base import Sample, Source
from collectors.watchdog import maybe_stall

DEVICE_STATUS = "device_status"


class DeadbandFilter:
    """Suppress readings that moved less than the point's deadband.

    A change of quality always passes: a sensor going bad must never be filtered.
    """

    def __init__(self) -> None:
        self.last: dict[str, tuple[float | None, str]] = {}

    def passes(self, pt: Point, value: float | None, quality: str) -> bool:
        if pt.deadband is None:
            return True
        prev = self.last.get(pt.id)
        if (prev is None or prev[1] != quality or value is None or prev[0] is None
                or abs(value - prev[0]) > pt.deadband):
            self.last[pt.id] = (value, quality)
            return True
        return False


def to_record(sample: Sample, ts: float) -> Record:
    pt = sample.point
    if sample.raw is None:
        # Unreachable or unreadable: report bad with no value, never the last good one.
        return Record(ts, "reading", pt.id, None, None, BAD, sample.error, pt.unit)
    value, quality, reason = to_engineering(sample.raw, pt.scale)
    return Record(ts, "reading", pt.id, value, sample.raw, quality, reason, pt.unit)


class Sampler:
    """One source + one sampling period. Journals readings and device-status events."""

    def __init__(self, source: Source, points: list[Point], period: float, journal: Journal,
                 on_journaled: Callable[[], None], beat: Callable[[str], None]):
        self.source, self.points, self.period = source, points, period
        self.journal, self.on_journaled, self.beat = journal, on_journaled, beat
        self.name = f"sampler:{source.id}:{period:g}"
        self.filter = DeadbandFilter()
        self.reported_state: bool | None = None

    def _status_event(self, ts: float) -> list[Record]:
        up = self.source.state.connected
        if up == self.reported_state:
            return []
        self.reported_state = up
        reason = None if up else self.source.state.last_error
        return [Record(ts, DEVICE_STATUS, self.source.id, None, None,
                       "up" if up else "down", reason, None)]

    async def tick(self) -> int:
        """Read once, journal, return the number of records written."""
        samples = await self.source.read(self.points)
        ts = time.time()
        records = self._status_event(ts)
        for sample in samples:
            rec = to_record(sample, ts)
            if self.filter.passes(sample.point, rec.value, rec.quality):
                records.append(rec)
        self.journal.append(records)
        self.on_journaled()
        return len(records)

    async def run(self) -> None:
        next_at = time.monotonic()
        while True:
            await maybe_stall(self.name)
            await self.tick()
            self.beat(self.name)
            next_at += self.period
            delay = next_at - time.monotonic()
            if delay < -self.period:
                next_at = time.monotonic()  # fell far behind: skip, do not burst
                delay = 0
            await asyncio.sleep(max(0.0, delay))
