"""Writes of the device slice: gateways, monitored units and sensors, each checked by its
model's rules (`full_clean`) and given its enterprise's place (`geo.places.owned_copy`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Q

from geo.places import owned_copy
from monitoring.devices.models import ALARM_LEVELS, AlarmState, Gateway, MonitoredUnit, Sensor
from monitoring.operation.services import outages_open


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


@transaction.atomic
def gateways_offline_mark(*, now: datetime) -> list[str]:
    """Gateways silent for GATEWAY_OFFLINE_SECONDS go offline, and their sensors show
    `offline` (blue) until a reading comes again, and each opens an outage in the log
    (设备异常日志) from when it was last heard; returns the codes marked."""
    cutoff = now - timedelta(seconds=settings.GATEWAY_OFFLINE_SECONDS)
    silent = Gateway.objects.filter(online=True, in_use=True) \
        .filter(Q(last_seen__lt=cutoff) | Q(last_seen__isnull=True))
    codes = list(silent.values_list("code", flat=True))
    Gateway.objects.filter(code__in=codes).update(online=False)
    outages_open(codes, now=now)
    Sensor.objects.filter(gateway_id__in=codes, in_use=True).update(
        alarm_state=AlarmState.OFFLINE, alarm_level=ALARM_LEVELS[AlarmState.OFFLINE])
    return codes
