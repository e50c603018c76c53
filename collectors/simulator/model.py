"""A small, plausible tank farm: tanks fill and drain, gas detectors are noisy,
and a scripted timeline injects the faults the platform must show, every `cycle` s:
30–90 s the first tank's inlet valve sticks and its level climbs past high-high (18 m)
before the operator drains it back (90–150 s); 100–140 s a gas leak at the third
detector ramps past 50 %LEL; 150–200 s the second tank's temperature goes flat; 210–225 s
the Modbus source is offline."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

TANK_HEIGHT = 20.0  # m
LEVEL_HH = 18.0  # high-high alarm, m


@dataclass
class Tank:
    name: str
    level: float
    temperature: float
    pressure: float  # kPa gauge
    inflow: float = 0.0  # m/s
    pump_on: bool = False
    frozen_temp: float | None = None


@dataclass
class Detector:
    name: str
    lel: float = 0.0  # % of the lower explosive limit
    leak: float = 0.0


@dataclass
class TankFarm:
    tanks: list[Tank]
    detectors: list[Detector]
    faults: bool = True
    cycle: float = 240.0
    t: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    @classmethod
    def build(cls, n_tanks: int = 6, n_detectors: int = 4, faults: bool = True) -> TankFarm:
        tanks = [Tank(f"T-{101 + i}", 5.0 + (i * 3.1) % 10, 20.0 + i % 5, 101.0 + i)
                 for i in range(n_tanks)]
        return cls(tanks, [Detector(f"GD-{j + 1:02d}") for j in range(n_detectors)], faults)

    def phase(self) -> float:
        return self.t % self.cycle if self.faults else -1.0

    def modbus_offline(self) -> bool:
        """Scripted outage of the Modbus source (the simulator stops that server)."""
        return 210 <= self.phase() < 225

    def step(self, dt: float) -> None:
        self.t += dt
        for i, tank in enumerate(self.tanks):
            self._step_tank(i, tank, dt)
        for j, det in enumerate(self.detectors):
            self._step_detector(j, det, dt)

    def _step_tank(self, i: int, tank: Tank, dt: float) -> None:
        # Slow fill/drain cycle, phase-shifted per tank so the map is not uniform.
        tank.inflow = 0.02 * math.sin(self.t / 60.0 + i)
        tank.pump_on = tank.inflow < 0
        phase = self.phase()
        if i == 0 and 30 <= phase < 90:
            # stuck inlet valve: the level climbs past high-high (18 m) about 50 s in
            tank.inflow = max(0.08, (19.0 - tank.level) / 20)
        elif i == 0 and 90 <= phase < 150 and tank.level > 8.0:
            tank.inflow = -0.15  # the operator drains it back
        tank.level = min(TANK_HEIGHT, max(0.2, tank.level + tank.inflow * dt))
        tank.temperature += (22.0 + 3 * math.sin(self.t / 300 + i) - tank.temperature) * 0.01 * dt
        tank.temperature += self.rng.gauss(0, 0.02)
        tank.pressure = 101.0 + tank.level * 0.8 + self.rng.gauss(0, 0.05)
        if i == 1 and 150 <= self.phase() < 200:
            # Sensor gone flat: the transmitter keeps repeating its last value.
            tank.frozen_temp = tank.frozen_temp if tank.frozen_temp is not None \
                else tank.temperature
        else:
            tank.frozen_temp = None

    def _step_detector(self, j: int, det: Detector, dt: float) -> None:
        phase = self.phase()
        if j == 2 and 100 <= phase < 140:
            det.leak = min(60.0, det.leak + 3.0 * dt)  # gas leak ramps up
        else:
            det.leak = max(0.0, det.leak - 2.0 * dt)
        det.lel = max(0.0, det.leak + abs(self.rng.gauss(0.5, 0.4)))

    def reported_temperature(self, tank: Tank) -> float:
        return tank.frozen_temp if tank.frozen_temp is not None else tank.temperature
