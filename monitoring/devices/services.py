"""Writes of the device slice: gateways, monitored units and sensors, each checked by its
model's rules (`full_clean`) and given its enterprise's place (`geo.places.owned_copy`)."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db import transaction

from geo.places import owned_copy
from monitoring.devices.models import Gateway, MonitoredUnit, Sensor


def _save(row):
    owned_copy(row)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def gateway_create(*, enterprise, code: str, name: str, geom: Point, **fields) -> Gateway:
    return _save(Gateway(enterprise=enterprise, code=code, name=name, geom=geom, **fields))


@transaction.atomic
def monitored_unit_create(*, enterprise, code: str, name: str, kind: str, geom: Point,
                          **fields) -> MonitoredUnit:
    return _save(MonitoredUnit(enterprise=enterprise, code=code, name=name, kind=kind,
                               geom=geom, **fields))


@transaction.atomic
def sensor_create(*, gateway: Gateway, point: str, name: str, indicator: str, geom: Point,
                  **fields) -> Sensor:
    """A sensor of `gateway`'s enterprise; a gas detector's blank set-points take the
    GB/T 50493 limits (`Sensor.clean`)."""
    return _save(Sensor(enterprise_id=gateway.enterprise_id, gateway=gateway, point=point,
                        name=name, indicator=indicator, geom=geom, **fields))
