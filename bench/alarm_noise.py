"""Alarm noise: how many alarms the demo plant raises through our rules, beside what a
plain threshold check raises on the same readings (every reading that goes past a limit
it was not past before is an alarm: no dead band, no on-delay, no de-duplication).

    .venv/bin/python -m bench.alarm_noise [--hours 2] [--noise 0.03]

The readings are the simulator's tank farm (`collectors.simulator.model`, faults on,
one reading a second) with transmitter noise added to the levels (σ = --noise m; the
model itself is noiseless), sent through the ingest's store in 10-second batches, so
the alarms are the ones the platform stores. Both counts exclude nothing else.
The national system's figure for scale: daily alarms from about 21,000 to 4,500 (−79 %).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from bench import common
from bench.gateways import gateway_remove

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()


from collectors.simulator.model import TankFarm  # noqa: E402
from monitoring.alarms.models import Alarm, EarlyWarning  # noqa: E402
from monitoring.devices.services import gateway_create, sensor_create  # noqa: E402
from monitoring.ingest.services import batch_store  # noqa: E402
from registry.enterprises.models import Enterprise  # noqa: E402

GATEWAY = "bench-noise"
# point -> (indicator, unit, range, (LL, L, H, HH)) as the demo's sensors
POINTS = {"level": ("level", "m", (0, 20), (1.0, 2.0, 16.0, 18.0)),
          "temperature": ("temperature", "°C", (-20, 80), (None, None, 40.0, 50.0)),
          "pressure": ("pressure", "kPa", (0, 1000), (None, None, 300.0, 400.0))}
GAS = ("combustible_gas", "%LEL", (0, 100), (None, None, 25.0, 50.0))


def make_sensors(farm: TankFarm) -> dict[str, tuple]:
    enterprise = Enterprise.objects.exclude(organisation=None).order_by("pk").first()
    if enterprise is None:
        raise SystemExit("no enterprises: load the demo first (make demo-data)")
    gateway = gateway_create(enterprise=enterprise, code=GATEWAY, name="bench",
                             geom=enterprise.geom)
    limits = {}
    points = [(f"{t.name}.{p}", spec) for t in farm.tanks for p, spec in POINTS.items()]
    points += [(f"{d.name}.lel", GAS) for d in farm.detectors]
    for point, (indicator, unit, (lo, hi), (ll, low, h, hh)) in points:
        sensor_create(gateway=gateway, point=point, name=point, indicator=indicator,
                      measure_unit=unit, range_low=lo, range_high=hi, threshold_ll=ll,
                      threshold_l=low, threshold_h=h, threshold_hh=hh,
                      geom=enterprise.geom)
        limits[point] = (ll, low, h, hh)
    return limits


def farm_readings(farm: TankFarm, seconds: int, noise: float, seed: int = 3):
    """(second, point, value) of every point each second."""
    rng = random.Random(seed)
    for second in range(seconds):
        farm.step(1.0)
        for tank in farm.tanks:
            yield second, f"{tank.name}.level", tank.level + rng.gauss(0, noise)
            yield second, f"{tank.name}.temperature", farm.reported_temperature(tank)
            yield second, f"{tank.name}.pressure", tank.pressure
        for det in farm.detectors:
            yield second, f"{det.name}.lel", det.lel


def naive_alarms(readings: list[tuple], limits: dict[str, tuple]) -> int:
    """Readings past a limit (any of LL, L, H, HH) the point was not past just before."""
    past: dict[str, frozenset] = {}
    count = 0
    for _s, point, value in readings:
        ll, low, h, hh = limits[point]
        now = frozenset(name for name, lim, up in (("ll", ll, False), ("l", low, False),
                                                    ("h", h, True), ("hh", hh, True))
                        if lim is not None and (value >= lim if up else value <= lim))
        count += len(now - past.get(point, frozenset()))
        past[point] = now
    return count


def send(readings: list[tuple], start: datetime, batch_seconds: int = 10) -> float:
    started = time.perf_counter()
    base_ms = int(start.timestamp() * 1000)
    by_batch: dict[int, list] = {}
    for seq, (second, point, value) in enumerate(readings, start=1):
        by_batch.setdefault(second // batch_seconds, []).append(
            {"seq": seq, "kind": "reading", "point": point, "ts": base_ms + second * 1000,
             "value": round(value, 4), "quality": "good", "unit": "", "reason": ""})
    for n, records in sorted(by_batch.items()):
        now = start + timedelta(seconds=(n + 1) * batch_seconds)
        batch_store({"v": 1, "kind": "batch", "gateway": GATEWAY, "records": records},
                    now=now)
    return time.perf_counter() - started


def cleanup() -> None:
    gateway_remove(GATEWAY)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--noise", type=float, default=0.03)
    args = parser.parse_args(argv)
    cleanup()
    farm = TankFarm.build()
    limits = make_sensors(farm)
    readings = list(farm_readings(farm, int(args.hours * 3600), args.noise))
    start = datetime.now(UTC) - timedelta(hours=args.hours + 1)
    try:
        naive = naive_alarms(readings, limits)
        seconds = send(readings, start)
        ours = Alarm.objects.filter(gateway=GATEWAY)
        flaps = sum(ours.values_list("flaps", flat=True))
        warnings = EarlyWarning.objects.filter(alarm__gateway=GATEWAY).count()
        kinds = {k: ours.filter(kind=k).count() for k in
                 ours.values_list("kind", flat=True).distinct()}
        total = ours.count()
    finally:
        cleanup()
    print(f"{len(readings):,} readings ({args.hours:g} h of the simulator's plant, level noise "
          f"σ={args.noise:g} m) through the ingest store in {seconds:.1f} s")
    print(f"plain threshold check: {naive} alarms")
    print(f"ours: {total} alarms ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}),"
          f" {flaps} flaps folded into them, {warnings} warnings pushed")
    if not naive:
        print("no alarms")
        return
    print(f"alarms vs the plain check: {total / naive:.2f}x ({(total - naive) / naive:+.0%})")
    # the simulator repeats its faults every 4 minutes, inside the 10-minute flap window:
    # counted apart, each reopening is an alarm
    print(f"counting each reopening as an alarm: {total + flaps} "
          f"({(total + flaps) / naive:.2f}x, {(total + flaps - naive) / naive:+.0%})")


if __name__ == "__main__":
    sys.exit(main())
