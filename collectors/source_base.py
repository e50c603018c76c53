"""What every source (Modbus, OPC UA) offers the sampler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from collectors.config import Point


@dataclass
class Sample:
    """A raw read result for one point: a number, or an error reason (quality bad)."""

    point: Point
    raw: float | None
    error: str | None = None


@dataclass
class SourceState:
    connected: bool = False
    last_error: str | None = None
    reads_ok: int = 0
    reads_failed: int = 0
    extra: dict = field(default_factory=dict)


class Source(Protocol):
    id: str
    state: SourceState

    async def read(self, points: list[Point]) -> list[Sample]:
        """Read every point once; never raise, report failures per point."""
        ...

    async def close(self) -> None: ...
