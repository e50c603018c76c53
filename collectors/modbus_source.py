"""Modbus TCP/RTU source: read-only (function codes 1-4), batched, self-healing.

Only read function codes exist here: the agent must never write to the plant.
After a timeout or a response that does not match its request the connection is
dropped, so a late answer can never be taken for the reply to the next request;
it is opened again beside the sampling loop (collectors.reconnect).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType

from collectors.backoff import Backoff
from collectors.config import Point
from collectors.decode import WIDTH, decode
from collectors.reconnect import ConnectFailed, Link
from collectors.source_base import Sample, SourceState

log = logging.getLogger(__name__)
# pymodbus logs every failed request with packet dumps; we log our own summary.
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

# table -> (function code, client method name); read codes only, by design.
READ_FUNCTIONS = {
    "coil": (1, "read_coils"),
    "discrete": (2, "read_discrete_inputs"),
    "holding": (3, "read_holding_registers"),
    "input": (4, "read_input_registers"),
}
MAX_BITS = 2000
ModbusClient = AsyncModbusTcpClient | AsyncModbusSerialClient


@dataclass
class Block:
    table: str
    start: int
    count: int
    points: list[Point]


class MismatchedResponse(Exception):
    """The answer does not fit the request we sent."""


def plan_blocks(points: list[Point], max_registers: int = 100, max_gap: int = 0) -> list[Block]:
    """Group points into as few contiguous reads as the limits allow."""
    blocks: list[Block] = []
    for table in READ_FUNCTIONS:
        limit = MAX_BITS if table in ("coil", "discrete") else max_registers
        cur: Block | None = None
        for pt in sorted((p for p in points if p.table == table), key=lambda p: p.address):
            end = pt.address + WIDTH[pt.type]
            if cur and pt.address <= cur.start + cur.count + max_gap and end - cur.start <= limit:
                cur.count = max(cur.count, end - cur.start)
                cur.points.append(pt)
                continue
            cur = Block(table, pt.address, WIDTH[pt.type], [pt])
            blocks.append(cur)
    return blocks


class ModbusSource:
    """One Modbus device (TCP host or serial line + unit id)."""

    def __init__(self, cfg: dict):
        self.id = cfg["id"]
        self.cfg = cfg
        self.unit = cfg.get("unit", 1)
        self.timeout = float(cfg.get("timeout", 1.0))
        bo = cfg.get("backoff", {})
        self.state = SourceState()
        self.link: Link[ModbusClient] = Link(
            self.id, self._open, _close, Backoff(bo.get("initial", 0.5), bo.get("max", 30.0)),
            self.state, alive=lambda client: client.connected)
        self._plans: dict[tuple, list[Block]] = {}
        self._lock = asyncio.Lock()

    def _new_client(self) -> ModbusClient:
        # retries=0 and no built-in reconnect: the Link owns retry policy and backoff.
        common = {"timeout": self.timeout, "retries": 0, "reconnect_delay": 0}
        if self.cfg["type"] == "modbus_tcp":
            return AsyncModbusTcpClient(self.cfg["host"], port=self.cfg.get("port", 502),
                                        **common)
        return AsyncModbusSerialClient(
            self.cfg["serial_port"], framer=FramerType.RTU,
            baudrate=self.cfg.get("baudrate", 9600), bytesize=self.cfg.get("bytesize", 8),
            parity=self.cfg.get("parity", "N"), stopbits=self.cfg.get("stopbits", 1), **common)

    async def _open(self) -> ModbusClient:
        client = self._new_client()
        started = time.monotonic()
        try:
            ok = await asyncio.wait_for(client.connect(), self.timeout + 1)
        except (TimeoutError, OSError, ModbusException):
            ok = False
        except asyncio.CancelledError:
            client.close()
            raise
        if ok:
            return client
        client.close()
        # pymodbus only answers False. Failing before its timeout means the host
        # answered (refused: nothing listens), not that it stayed silent.
        raise ConnectFailed("connect failed", refused=time.monotonic() - started < self.timeout)

    async def read(self, points: list[Point]) -> list[Sample]:
        """Read the points once. Unreachable source -> every sample carries an error."""
        async with self._lock:
            client = await self.link.get()
            if client is None:
                return [Sample(p, None, "source_down") for p in points]
            key = tuple(p.id for p in points)
            if key not in self._plans:
                self._plans[key] = plan_blocks(points, self.cfg.get("max_registers", 100),
                                               self.cfg.get("max_gap", 0))
            samples: list[Sample] = []
            for block in self._plans[key]:
                samples += await self._read_block(client, block)
            return samples

    async def _read_block(self, client: ModbusClient, block: Block) -> list[Sample]:
        if self.link.client is not client:  # an earlier block of this read lost it
            return [Sample(p, None, "source_down") for p in block.points]
        code, method = READ_FUNCTIONS[block.table]
        try:
            rr = await asyncio.wait_for(
                getattr(client, method)(block.start, count=block.count, device_id=self.unit),
                self.timeout + 0.5)
            if rr.isError():
                self.state.reads_failed += 1
                return [Sample(p, None, f"modbus_exception_{rr.exception_code}")
                        for p in block.points]
            values = _check_response(rr, code, block.count, self.unit)
        except (TimeoutError, ModbusException, MismatchedResponse, OSError) as exc:
            reason = _reason(exc)
            log.warning("%s: read %s@%d failed: %s", self.id, block.table, block.start, exc)
            # Drop the socket: a late reply must die with it, not answer the next request.
            self.link.lost(reason)
            self.state.reads_failed += 1
            return [Sample(p, None, reason) for p in block.points]
        self.state.reads_ok += 1
        return [_sample(p, values, block.start) for p in block.points]

    async def close(self) -> None:
        await self.link.close()


async def _close(client: ModbusClient) -> None:
    client.close()


def _reason(exc: Exception) -> str:
    if isinstance(exc, TimeoutError) or "No response" in str(exc):
        return "timeout"
    return type(exc).__name__


def _check_response(rr, code: int, count: int, unit: int) -> list:
    if rr.function_code != code:
        raise MismatchedResponse(f"function code {rr.function_code} != {code}")
    values = rr.bits if code in (1, 2) else rr.registers
    if len(values) < count:
        raise MismatchedResponse(f"{len(values)} values for a request of {count}")
    if unit and rr.dev_id not in (0, unit):
        raise MismatchedResponse(f"unit {rr.dev_id} != {unit}")
    return values


def _sample(pt: Point, values: list, start: int) -> Sample:
    offset = pt.address - start
    if pt.type == "bool":
        return Sample(pt, 1.0 if values[offset] else 0.0)
    regs = values[offset:offset + WIDTH[pt.type]]
    try:
        raw = decode(regs, pt.type, pt.word_order, pt.byte_order)
    except ValueError as exc:
        return Sample(pt, None, f"decode_error: {exc}")
    if raw != raw or raw in (float("inf"), float("-inf")):  # NaN/inf cannot go on the wire
        return Sample(pt, None, "not_a_number")
    return Sample(pt, raw)
