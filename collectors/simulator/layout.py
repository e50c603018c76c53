"""Register map and OPC UA address space of the simulator, and the matching agent config.

Holding registers, 10 per tank at ``10*i``:
  +0  level        float32  word order big      (m)
  +2  temperature  float32  word order little   (°C)
  +4  level_raw    uint16   0..27648 counts     (-> 0..20 m)
  +5  pressure     int16    kPa x 10
  +6  volume       int32    litres, word order little
  +8  pump_hours   uint32   seconds of pump run time
Input registers: detector j at ``2*j`` float32 %LEL; 4-20 mA loop at ``1000+j`` in µA.
Coils: pump running per tank. Discrete inputs: level switch high-high per tank.
Holding registers from 9000 hold a fixed test pattern (every type and order).
OPC UA (namespace NS_URI): Objects/TankFarm/<tank>/{Level,Temperature,Pressure},
Objects/GasDetectors/<det>/Concentration.
"""

from __future__ import annotations

from collectors.decode import encode
from collectors.simulator.model import TANK_HEIGHT, TankFarm

NS_URI = "urn:safeatlas:simulator"
TANK_STRIDE = 10
PATTERN_BASE = 9000
COUNTS_FULL = 27648

# (address, type, word_order, byte_order, value)
TEST_PATTERN: list[tuple[int, str, str, str, float]] = [
    (9000, "int16", "big", "big", -12345),
    (9001, "uint16", "big", "big", 54321),
    (9002, "int16", "big", "little", -2),
    (9003, "uint16", "big", "little", 4660),
    (9004, "int32", "big", "big", -123456789),
    (9006, "int32", "little", "big", -123456789),
    (9008, "uint32", "big", "big", 3000000000),
    (9010, "uint32", "little", "little", 3000000000),
    (9012, "float32", "big", "big", 123.456),
    (9014, "float32", "little", "big", -98.765),
    (9016, "float32", "big", "little", 0.001),
    (9018, "float32", "little", "little", 27648.0),
]


def pattern_registers() -> dict[int, int]:
    regs: dict[int, int] = {}
    for addr, dtype, word, byte, value in TEST_PATTERN:
        for k, reg in enumerate(encode(value, dtype, word, byte)):
            regs[addr + k] = reg
    return regs


def holding_image(farm: TankFarm, out: list[int]) -> None:
    """Write the farm's state into the holding-register image."""
    for i, tank in enumerate(farm.tanks):
        base = i * TANK_STRIDE
        out[base:base + 2] = encode(tank.level, "float32")
        out[base + 2:base + 4] = encode(farm.reported_temperature(tank), "float32", "little")
        out[base + 4] = int(round(tank.level / TANK_HEIGHT * COUNTS_FULL))
        out[base + 5] = encode(int(round(tank.pressure * 10)), "int16")[0]
        out[base + 6:base + 8] = encode(int(tank.level * 50_000), "int32", "little")
        out[base + 8:base + 10] = encode(int(farm.t) if tank.pump_on else 0, "uint32")


def input_image(farm: TankFarm, out: list[int]) -> None:
    for j, det in enumerate(farm.detectors):
        out[2 * j:2 * j + 2] = encode(det.lel, "float32")
        out[1000 + j] = int(4000 + det.lel / 100 * 16000)  # µA on the 4-20 mA loop


def tank_points(i: int, name: str, source: str, period: float) -> list[dict]:
    base = i * TANK_STRIDE
    return [
        {"id": f"{name}.level", "source": source, "address": base, "type": "float32",
         "unit": "m", "period": period},
        {"id": f"{name}.temperature", "source": source, "address": base + 2,
         "type": "float32", "word_order": "little", "unit": "degC", "period": period},
        {"id": f"{name}.level_raw", "source": source, "address": base + 4, "type": "uint16",
         "scale": {"raw": [0, COUNTS_FULL], "eng": [0, TANK_HEIGHT]}, "unit": "m",
         "period": period},
        {"id": f"{name}.pressure", "source": source, "address": base + 5, "type": "int16",
         "scale": {"raw": [0, 10000], "eng": [0, 1000]}, "unit": "kPa", "period": period},
        {"id": f"{name}.pump", "source": source, "table": "coil", "address": i, "type": "bool",
         "period": period},
    ]


def detector_points(j: int, name: str, source: str, period: float) -> list[dict]:
    return [
        {"id": f"{name}.lel", "source": source, "table": "input", "address": 2 * j,
         "type": "float32", "unit": "%LEL", "period": period},
        {"id": f"{name}.loop", "source": source, "table": "input", "address": 1000 + j,
         "type": "uint16", "scale": {"raw": [4000, 20000], "eng": [0, 100]}, "unit": "%LEL",
         "period": period},
    ]


def opcua_points(farm: TankFarm, source: str, period: float) -> list[dict]:
    pts = []
    for tank in farm.tanks:
        for var, unit in (("Temperature", "degC"), ("Pressure", "kPa")):
            pts.append({"id": f"{tank.name}.ua.{var.lower()}", "source": source,
                        "node": f"TankFarm/{tank.name}/{var}", "unit": unit, "period": period})
    for det in farm.detectors:
        pts.append({"id": f"{det.name}.ua.concentration", "source": source,
                    "node": f"GasDetectors/{det.name}/Concentration", "unit": "%LEL",
                    "period": period})
    return pts
