"""Serve register images over Modbus TCP (pymodbus), for the simulator and the tests."""

from __future__ import annotations

from pymodbus.constants import ExcCodes
from pymodbus.framer import FramerType
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice
from pymodbus.simulator.simutils import SimUtils

SIZE = 10000
# pymodbus builds bit blocks in quadratic time: keep them small (2048 coils/inputs).
BITS = 2048


class RegisterImage:
    """Plain lists the simulator updates; the server copies from them on every read."""

    def __init__(self, size: int = SIZE):
        self.holding = [0] * size
        self.input = [0] * size
        self.coils = [False] * BITS
        self.discrete = [False] * BITS
        self.delay = 0.0  # seconds; lets tests provoke late responses

    def table(self, func_code: int) -> list:
        return {1: self.coils, 2: self.discrete, 3: self.holding, 4: self.input}[func_code]


def _action(image: RegisterImage):
    async def action(func_code, start_address, address, count, registers, set_values):
        if set_values is not None or func_code not in (1, 2, 3, 4):
            return ExcCodes.ILLEGAL_FUNCTION  # a read-only plant image
        if image.delay:
            import asyncio

            await asyncio.sleep(image.delay)
        src = image.table(func_code)
        if func_code in (1, 2):
            _fill_bits(src, start_address, address, count, registers)
        else:
            offset = address - start_address
            registers[offset:offset + count] = src[address:address + count]
        return None

    return action


def _fill_bits(src: list, start: int, address: int, n_regs: int, registers: list) -> None:
    # pymodbus packs 16 coils per register (bit addressing) and hands the action the
    # register count, not the coil count: refresh every register it will read.
    first = address // 16
    for r in range(first, first + n_regs):
        registers[r - start] = SimUtils.bitsToRegisters(src[r * 16:(r + 1) * 16])[0]


def build_server(image: RegisterImage, host: str, port: int,
                 framer: FramerType = FramerType.SOCKET) -> ModbusTcpServer:
    size = len(image.holding)
    bits = [SimData(0, count=len(image.coils), values=False, datatype=DataType.BITS)]
    regs = [SimData(0, count=size, values=0, datatype=DataType.REGISTERS)]
    blocks = (bits, list(bits), regs, list(regs))
    device = SimDevice(id=0, simdata=blocks, action=_action(image))
    return ModbusTcpServer(device, address=(host, port), framer=framer)
