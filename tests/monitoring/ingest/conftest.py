"""Ingest tests: the devices of a gateway in county A, and the collectors' real broker."""

from __future__ import annotations

import pytest
from django.db import connection

from monitoring.devices.services import gateway_create, sensor_create
from tests.collectors.conftest import broker, procs  # noqa: F401  (real mosquitto fixtures)


@pytest.fixture
def gateway(world):
    ent = world.enterprises_a[0]
    gw = gateway_create(enterprise=ent, code="gw-a", name="网关", geom=ent.geom)
    sensor_create(gateway=gw, point="T-1.level", name="液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                  threshold_hh=18, geom=ent.geom)
    sensor_create(gateway=gw, point="GD-1.lel", name="可燃气体", indicator="combustible_gas",
                  measure_unit="%LEL", range_low=0, range_high=100, geom=ent.geom)
    yield gw
    # Readings are not a Django-managed table (partitioned), so the flush that ends a
    # transactional test leaves them: clear them, or the next test's records are resends.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = %s", [gw.code])
