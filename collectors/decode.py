"""Decode Modbus registers into numbers, honouring byte and word order.

Devices disagree on how a 32-bit value spans two registers: "big" word order puts
the high word first (ABCD), "little" the low word first (CDAB); byte order swaps
the two bytes inside each register (BADC / DCBA).
"""

import struct

WIDTH = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2, "bool": 1}
_FORMAT = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f"}


def registers_to_bytes(regs: list[int], word_order: str, byte_order: str) -> bytes:
    """Reorder registers into a big-endian byte string."""
    words = list(regs) if word_order == "big" else list(reversed(regs))
    out = bytearray()
    for word in words:
        pair = word.to_bytes(2, "big")
        out += pair if byte_order == "big" else pair[::-1]
    return bytes(out)


def decode(regs: list[int], dtype: str, word_order: str = "big", byte_order: str = "big") -> float:
    """Decode ``WIDTH[dtype]`` registers into a Python number."""
    if len(regs) != WIDTH[dtype]:
        raise ValueError(f"{dtype} needs {WIDTH[dtype]} registers, got {len(regs)}")
    raw = registers_to_bytes(regs, word_order, byte_order)
    return struct.unpack(_FORMAT[dtype], raw)[0]


def encode(value: float, dtype: str, word_order: str = "big", byte_order: str = "big") -> list[int]:
    """Inverse of :func:`decode`; used by the simulator and the tests."""
    raw = struct.pack(_FORMAT[dtype], value)
    words = []
    for i in range(0, len(raw), 2):
        pair = raw[i:i + 2]
        words.append(int.from_bytes(pair if byte_order == "big" else pair[::-1], "big"))
    return words if word_order == "big" else list(reversed(words))
