"""The demo park's monitoring devices: the gateway the demo collector agent publishes as
(`gw-demo-01`, the simulator's default) at the demo `enterprise` account's firm, its tanks as
monitored units inside the firm's tank farm (重大危险源), and one sensor for every point the
simulator's agent config reads, with the thresholds the simulator's faults cross (T-10x
level high-high at 18 m). Mirrors `collectors.simulator.layout` (6 tanks, 4 gas detectors):
the platform does not import the agent, so the names are repeated here."""

from __future__ import annotations

from django.contrib.gis.geos import Point

from geo.models import Role, User
from monitoring.devices.models import Gateway, MonitoredUnit, Sensor
from monitoring.devices.services import gateway_create, monitored_unit_create, sensor_create
from registry.hazards.models import HazardSource

GATEWAY = "gw-demo-01"
TANKS = [f"T-{101 + i}" for i in range(6)]
DETECTORS = [f"GD-{j + 1:02d}" for j in range(4)]
SPACING = 0.0004  # degrees between tanks (about 40 m)

# point suffix -> (name, indicator, unit, range, LL, L, H, HH)
TANK_POINTS = {
    "level": ("液位", "level", "m", (0, 20), 1.0, 2.0, 16.0, 18.0),
    "level_raw": ("液位（模拟量）", "level", "m", (0, 20), 1.0, 2.0, 16.0, 18.0),
    "temperature": ("温度", "temperature", "°C", (-20, 80), None, None, 40.0, 50.0),
    "ua.temperature": ("温度（OPC UA）", "temperature", "°C", (-20, 80), None, None, 40.0, 50.0),
    "pressure": ("压力", "pressure", "kPa", (0, 1000), None, None, 300.0, 400.0),
    "ua.pressure": ("压力（OPC UA）", "pressure", "kPa", (0, 1000), None, None, 300.0, 400.0),
    "pump": ("进料泵运行", "switch", "", (None, None), None, None, None, None),
}
DETECTOR_POINTS = {  # blank set-points: GB/T 50493 gives 25 / 50 %LEL
    "lel": ("可燃气体浓度", "combustible_gas", "%LEL", (0, 100)),
    "loop": ("可燃气体浓度（4-20mA）", "combustible_gas", "%LEL", (0, 100)),
    "ua.concentration": ("可燃气体浓度（OPC UA）", "combustible_gas", "%LEL", (0, 100)),
}


def demo_monitoring_ensure() -> int:
    """Create the demo gateway with its units and sensors unless it exists; return how many
    sensors were created."""
    if Gateway.objects.filter(code=GATEWAY).exists():
        return 0
    source = _demo_source()
    if source is None:
        return 0
    x, y = source.geom.centroid.x, source.geom.centroid.y
    enterprise = source.enterprise
    gateway = gateway_create(enterprise=enterprise, code=GATEWAY, name="储罐区数据采集网关",
                             geom=Point(x, y - 2 * SPACING, srid=4326))
    made = 0
    for i, tank in enumerate(TANKS):
        at = Point(x + (i % 3 - 1) * SPACING, y + (i // 3) * SPACING, srid=4326)
        unit = monitored_unit_create(enterprise=enterprise, hazard_source=source, code=tank,
                                     name=f"{tank}储罐", kind="tank", geom=at)
        for suffix, (name, ind, mu, (lo, hi), ll, low, h, hh) in TANK_POINTS.items():
            sensor_create(gateway=gateway, unit=unit, point=f"{tank}.{suffix}",
                          name=f"{tank}{name}", indicator=ind, measure_unit=mu,
                          tag=_tag(ind, tank), range_low=lo, range_high=hi, threshold_ll=ll,
                          threshold_l=low, threshold_h=h, threshold_hh=hh, geom=at)
            made += 1
    for j, det in enumerate(DETECTORS):
        at = Point(x + (j - 1.5) * SPACING, y - SPACING, srid=4326)
        for suffix, (name, ind, mu, (lo, hi)) in DETECTOR_POINTS.items():
            sensor_create(gateway=gateway, point=f"{det}.{suffix}", name=f"{det}{name}",
                          indicator=ind, measure_unit=mu, tag=f"AT-{det[3:]}", cas="74-82-8",
                          range_low=lo, range_high=hi, geom=at)
            made += 1
    return made


def _demo_source() -> HazardSource | None:
    """The tank farm of the firm the demo `enterprise` account belongs to."""
    owner = User.objects.filter(role=Role.ENTERPRISE, username="enterprise").first()
    if owner is None:
        return None
    return (HazardSource.objects.filter(organisation_id=owner.organisation_id)
            .select_related("enterprise").order_by("pk").first())


def _tag(indicator: str, tank: str) -> str:
    letter = {"level": "LT", "temperature": "TT", "pressure": "PT", "switch": "XS"}[indicator]
    return f"{letter}-{tank[2:]}"


def demo_monitoring_delete(cursor, prefix: str) -> None:
    """Raw-SQL removal of the devices under `prefix` (before their enterprises go)."""
    like = [prefix + "%"]
    for model in (Sensor, MonitoredUnit, Gateway):
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE division_code LIKE %s", like)
