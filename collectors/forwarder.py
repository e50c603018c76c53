"""Forwarder: moves journal rows to one uplink, advancing its cursor only on ack: the
receiver's answer after its commit (HTTP 2xx, the platform's MQTT ack), never a relay's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from collectors import __version__, protocol
from collectors.backoff import Backoff
from collectors.journal import Journal, Row
from collectors.transport_errors import PermanentError, TooLarge, TransientError
from collectors.watchdog import maybe_stall

log = logging.getLogger(__name__)


def wire_record(row: Row) -> dict:
    """One journal row as a wire record (protocol §3.1); the protocol never sees a Row."""
    ts_ms = int(round(row.ts * 1000))
    if row.kind == "reading":
        rec = {"seq": row.seq, "kind": "reading", "point": row.ref, "ts": ts_ms,
               "value": row.value, "quality": row.quality, "unit": row.unit}
        if row.raw is not None:
            rec["raw"] = row.raw
        if row.reason:
            rec["reason"] = row.reason
        return rec
    return {"seq": row.seq, "kind": row.kind, "source": row.ref, "ts": ts_ms,
            "state": row.quality, "reason": row.reason}


class Transport(Protocol):
    def send(self, kind: str, body: bytes, *, seqs: tuple[int, int] | None = None) -> None:
        """Return once the receiver stored the message (a batch: `seqs` = first, last)."""

    def close(self) -> None: ...


class Forwarder:
    """One uplink's loop. A dead receiver only ever delays its own cursor."""

    def __init__(self, name: str, transport: Transport, journal: Journal, gateway: str, *,
                 cipher: protocol.Cipher | None = None, batch_max: int = 1000,
                 max_rejections: int = 3, heartbeat_interval: float = 30.0,
                 heartbeat: Callable[[], dict] = dict, beat: Callable[[str], None] = print,
                 backoff: Backoff | None = None):
        self.name, self.transport, self.journal, self.gateway = name, transport, journal, gateway
        self.cipher, self.batch_max, self.max_rejections = cipher, batch_max, max_rejections
        self.heartbeat_interval, self.heartbeat, self.beat = heartbeat_interval, heartbeat, beat
        self.backoff = backoff or Backoff(0.2, 15.0)
        self.wake = asyncio.Event()
        self.connected = False
        self.last_error: str | None = None
        self._rejections: tuple[int, int] = (0, 0)  # (first_seq, count)
        self._next_heartbeat = 0.0
        self._limit = batch_max

    async def _send(self, kind: str, obj: dict, seqs: tuple[int, int] | None = None) -> None:
        body = protocol.encrypt(protocol.dumps(obj), self.gateway, self.cipher)
        await asyncio.to_thread(self.transport.send, kind, body, seqs=seqs)

    async def _maybe_heartbeat(self) -> None:
        """Send a heartbeat if one is due. A link failure propagates like a batch's, so
        it is backed off once; a heartbeat the receiver refuses is only logged."""
        if time.monotonic() < self._next_heartbeat:
            return
        self._next_heartbeat = time.monotonic() + self.heartbeat_interval
        try:
            await self._send("heartbeat", self.heartbeat())
        except PermanentError as exc:
            log.info("%s: heartbeat refused: %s", self.name, exc)

    async def step(self) -> int:
        """Send one batch if there is one; return how many records were acknowledged."""
        rows = self.journal.fetch(self.name, self._limit)
        if not rows:
            return 0
        # Counted against this batch's first row: rows cut from it while it is in
        # flight are not drops if it is acknowledged (ADR 0005).
        dropped = self.journal.dropped_before(self.name, rows[0].seq)
        body = protocol.batch_body(self.gateway, [wire_record(r) for r in rows], dropped,
                                   agent_version=__version__)
        try:
            await self._send("batch", body, (rows[0].seq, rows[-1].seq))
        except TooLarge as exc:
            if len(rows) > 1:
                self._limit = max(1, len(rows) // 2)
                return 0
            self._reject(rows, str(exc), body)
            return 0
        except PermanentError as exc:
            self._reject(rows, str(exc), body)
            return 0
        self.journal.ack(self.name, rows[-1].seq, dropped, first_seq=rows[0].seq)
        self._limit = min(self.batch_max, self._limit * 2)
        self._rejections = (0, 0)
        return len(rows)

    def _reject(self, rows: list[Row], reason: str, body: dict) -> None:
        first, count = self._rejections
        count = count + 1 if first == rows[0].seq else 1
        self._rejections = (rows[0].seq, count)
        log.warning("%s: batch %d-%d rejected (%d/%d): %s", self.name, rows[0].seq,
                    rows[-1].seq, count, self.max_rejections, reason)
        if count >= self.max_rejections:
            # Poison batch: set aside with its reason so what follows keeps flowing.
            self.journal.quarantine(self.name, rows, reason, protocol.dumps(body).decode())
            self._rejections = (0, 0)
        else:
            raise TransientError(reason)  # retry the same batch after a backoff

    async def run(self) -> None:
        while True:
            self.beat(self.name)
            await maybe_stall(self.name)
            try:
                await self._maybe_heartbeat()
                sent = await self.step()
                self.connected, self.last_error = True, None
                self.backoff.succeeded()
            except TransientError as exc:
                self.connected, self.last_error = False, str(exc)
                log.info("%s: %s", self.name, exc)
                await asyncio.sleep(self.backoff.failed())
                continue
            if not sent:
                self.wake.clear()
                # Not wait_for: on Python 3.11 it returns normally when a sampler's
                # wake.set() and Agent.stop's cancel land in the same loop iteration,
                # so the cancelled forwarder kept running after a SIGTERM.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1.0):
                        await self.wake.wait()

    def close(self) -> None:
        self.transport.close()
