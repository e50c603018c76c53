"""Gateways, monitored units and sensors: the write rules, the import through the one layer
importer, scope on the layer faces, and the demo devices matching the demo agent."""

from __future__ import annotations

import csv

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from geo.scope import scope_for_user
from layers.base import registry
from layers.imports import LayerImportError, import_layer
from monitoring.devices.models import AlarmState, Sensor
from monitoring.devices.services import gateway_create, monitored_unit_create, sensor_create

COLUMNS = ["gateway_code", "point", "name", "indicator", "tag", "measure_unit", "range_low",
           "range_high", "threshold_h", "threshold_hh", "unit", "lon", "lat"]


@pytest.fixture
def gateways(world):
    made = []
    for code, ent in (("gw-a", world.enterprises_a[0]), ("gw-b", world.enterprises_b[0])):
        made.append(gateway_create(enterprise=ent, code=code, name=f"{ent.name}网关",
                                   geom=ent.geom))
    return made


def _csv(tmp_path, rows) -> str:
    path = tmp_path / "sensors.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return str(path)


def test_devices_take_their_enterprises_place_and_gas_defaults(world, gateways):
    gw = gateways[0]
    assert (gw.division_code, gw.organisation_id) == (
        world.enterprises_a[0].division_code, world.enterprises_a[0].organisation_id)
    sensor = sensor_create(gateway=gw, point="GD-01.lel", name="可燃气体", geom=gw.geom,
                           indicator="combustible_gas", measure_unit="%LEL")
    assert (sensor.threshold_h, sensor.threshold_hh, sensor.alarm_state) == (
        25, 50, AlarmState.UNKNOWN)
    assert (sensor.enterprise_id, sensor.division_code) == (gw.enterprise_id, gw.division_code)


def test_a_sensor_refuses_bad_thresholds_and_another_firms_unit(world, gateways):
    gw_a, gw_b = gateways
    unit_b = monitored_unit_create(enterprise=gw_b.enterprise, code="T-1", name="1号罐",
                                   kind="tank", geom=gw_b.geom)
    with pytest.raises(ValidationError) as caught:
        sensor_create(gateway=gw_a, unit=unit_b, point="T-1.level", name="液位",
                      indicator="level", measure_unit="m", range_low=0, range_high=20,
                      threshold_h=18, threshold_hh=16, geom=gw_a.geom)
    assert caught.value.message_dict == {
        "threshold_hh": ["阈值须满足 低低报 ≤ 低报 ≤ 高报 ≤ 高高报（18 > 16）"],
        "unit": ["监测单元不属于该企业"]}
    assert Sensor.objects.count() == 0


def test_sensor_import_names_the_gateway_fills_defaults_and_is_all_or_nothing(
        world, gateways, tmp_path):
    gw = gateways[0]
    x, y = gw.geom.x, gw.geom.y
    good = [["gw-a", "T-1.level", "1号罐液位", "level", "LT-1", "m", 0, 20, 16, 18, "", x, y],
            ["gw-a", "GD-1.lel", "可燃气体", "combustible_gas", "AT-1", "%LEL", 0, 100, "", "",
             "", x, y]]
    path = _csv(tmp_path, [*good,
                           ["gw-x", "X.1", "未知网关", "level", "", "m", 0, 20, "", "", "", x, y],
                           ["gw-a", "GD-2.lel", "过高", "combustible_gas", "", "%LEL", 0, 100,
                            40, "", "", x, y]])
    with pytest.raises(LayerImportError) as caught:
        import_layer(registry.get("sensors"), path)
    assert [str(e) for e in caught.value.errors] == [
        "row 3 (line 4), gateway_code: 网关编码 gw-x 不存在",
        "row 4 (line 5), threshold_h: 40 高于 GB/T 50493-2019 §5.5.2 规定的上限 25 %LEL"]
    assert Sensor.objects.count() == 0
    result = import_layer(registry.get("sensors"), _csv(tmp_path, good))
    assert result.written == 2
    lel = Sensor.objects.get(point="GD-1.lel")
    assert (lel.threshold_h, lel.threshold_hh, lel.gateway_id, lel.enterprise_id) == (
        25, 50, "gw-a", gw.enterprise_id)
    assert (lel.division_code, lel.organisation_id) == (gw.division_code, gw.organisation_id)


def test_a_county_reads_only_its_own_devices(world, gateways):
    for gw in gateways:
        sensor_create(gateway=gw, point="P.1", name="温度", indicator="temperature",
                      geom=Point(gw.geom.x, gw.geom.y, srid=4326))
    scope = scope_for_user(world.users["county_a"])
    for layer_id in ("gateways", "sensors"):
        rows = registry.get(layer_id).queryset(scope)
        assert [r.division_code[:6] for r in rows] == [world.county_a.code[:6]]


def test_the_demo_gateway_registers_every_point_the_demo_agent_reads():
    from collectors.simulator.serve import agent_config
    from data import demo_monitoring as demo

    config = agent_config(1502, 4840, {})
    published = {p["id"] for p in config["points"]}
    registered = {f"{t}.{s}" for t in demo.TANKS for s in demo.TANK_POINTS} | \
        {f"{d}.{s}" for d in demo.DETECTORS for s in demo.DETECTOR_POINTS}
    assert registered == published
    assert config["agent"]["gateway_id"] == demo.GATEWAY
