"""Every data type and word order decodes right; range conversion and quality."""

import asyncio

import pytest
from pymodbus.framer import FramerType

from collectors.config import Point, Scale
from collectors.decode import decode, encode
from collectors.modbus_source import ModbusSource, plan_blocks
from collectors.scaling import to_engineering
from collectors.simulator.layout import TEST_PATTERN, pattern_registers
from collectors.simulator.modbus_server import RegisterImage, build_server
from tests.collectors.conftest import free_port


def test_word_and_byte_orders_by_hand():
    # 0x12345678 as ABCD / CDAB / BADC / DCBA
    assert decode([0x1234, 0x5678], "uint32", "big", "big") == 0x12345678
    assert decode([0x5678, 0x1234], "uint32", "little", "big") == 0x12345678
    assert decode([0x3412, 0x7856], "uint32", "big", "little") == 0x12345678
    assert decode([0x7856, 0x3412], "uint32", "little", "little") == 0x12345678
    assert decode(encode(-1.5, "float32", "little"), "float32", "little") == -1.5


def test_range_conversion_clamps_and_flags():
    four_twenty = Scale(4.0, 20.0, 0.0, 10.0)
    assert to_engineering(12.0, four_twenty) == (5.0, "good", None)
    assert to_engineering(2.0, four_twenty) == (0.0, "uncertain", "raw_below_range")
    counts = Scale(0, 27648, 0, 10)
    value, quality, reason = to_engineering(30000, counts)
    assert (value, quality, reason) == (10.0, "uncertain", "raw_above_range")


def test_contiguous_points_are_batched():
    pts = [Point(id=f"p{a}", source="m", period=1, address=a, type="float32")
           for a in (0, 2, 4, 10)]
    blocks = plan_blocks(pts, max_registers=100, max_gap=0)
    assert [(b.start, b.count) for b in blocks] == [(0, 6), (10, 2)]
    assert [(b.start, b.count) for b in plan_blocks(pts, 4)] == [(0, 4), (4, 2), (10, 2)]


def _pattern_points() -> list[Point]:
    return [Point(id=f"p{a}", source="m", period=1, address=a, type=t, word_order=w,
                  byte_order=b) for a, t, w, b, _ in TEST_PATTERN]


async def _read_all(framer: FramerType, source_cfg: dict, port: int) -> dict:
    image = RegisterImage()
    for addr, reg in pattern_registers().items():
        image.holding[addr] = reg
    image.input[7] = 12000
    image.coils[3] = image.discrete[18] = True
    server = build_server(image, "127.0.0.1", port, framer)
    await server.serve_forever(background=True)
    src = ModbusSource(source_cfg)
    pts = _pattern_points() + [
        Point(id="ir7", source="m", period=1, table="input", address=7, type="uint16",
              scale=Scale(4000, 20000, 0, 100)),
        Point(id="c3", source="m", period=1, table="coil", address=3, type="bool"),
        Point(id="c4", source="m", period=1, table="coil", address=4, type="bool"),
        Point(id="d18", source="m", period=1, table="discrete", address=18, type="bool")]
    try:
        return {s.point.id: s for s in await src.read(pts)}
    finally:
        await src.close()
        await server.shutdown()


@pytest.mark.parametrize("transport", ["tcp", "rtu"])
def test_every_type_and_order_against_real_pymodbus(transport):
    port = free_port()
    if transport == "tcp":
        cfg = {"id": "m", "type": "modbus_tcp", "host": "127.0.0.1", "port": port}
        framer = FramerType.SOCKET
    else:  # RTU framing over a pyserial socket:// URL: same bytes as on an RS-485 line
        cfg = {"id": "m", "type": "modbus_rtu", "serial_port": f"socket://127.0.0.1:{port}",
               "baudrate": 115200}
        framer = FramerType.RTU
    got = asyncio.run(_read_all(framer, cfg, port))
    for addr, _dtype, _word, _byte, value in TEST_PATTERN:
        sample = got[f"p{addr}"]
        assert sample.error is None
        assert sample.raw == pytest.approx(value, rel=1e-6), (addr, sample.raw, value)
    assert got["ir7"].raw == 12000
    assert to_engineering(got["ir7"].raw, Scale(4000, 20000, 0, 100))[0] == 50.0
    assert (got["c3"].raw, got["c4"].raw, got["d18"].raw) == (1.0, 0.0, 1.0)


def test_unreachable_source_reports_bad_not_stale():
    async def scenario():
        src = ModbusSource({"id": "m", "type": "modbus_tcp", "host": "127.0.0.1",
                            "port": free_port(), "timeout": 0.2})
        samples = await src.read(_pattern_points()[:2])
        await src.close()
        return samples

    samples = asyncio.run(scenario())
    assert all(s.raw is None and s.error == "source_down" for s in samples)


def test_late_response_is_never_attributed_to_the_next_request():
    async def scenario():
        port = free_port()
        image = RegisterImage()
        image.holding[0], image.holding[1] = 111, 222
        server = build_server(image, "127.0.0.1", port)
        await server.serve_forever(background=True)
        src = ModbusSource({"id": "m", "type": "modbus_tcp", "host": "127.0.0.1",
                            "port": port, "timeout": 0.2, "backoff": {"initial": 0.01}})
        a = Point(id="a", source="m", period=1, address=0)
        b = Point(id="b", source="m", period=1, address=1)
        image.delay = 0.5  # the answer to `a` arrives after the timeout
        first = await src.read([a])
        image.delay = 0
        await asyncio.sleep(0.6)  # the late answer lands now, on a dropped socket
        second = await src.read([b])
        await src.close()
        await server.shutdown()
        return first, second

    first, second = asyncio.run(scenario())
    assert first[0].raw is None and first[0].error == "timeout"
    assert second[0].raw == 222  # b's own value, not a's late 111
