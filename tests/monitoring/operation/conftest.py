"""Operation tests: three gateways heard through the ingest's real message_store, one of
them (gw-a, enterprise E1 of county A) silent for three hours and marked offline by the
real gateways_offline job function on an injected clock.

Timeline (UTC): T0 every gateway heartbeats; T0+1h gw-b (E2, county A) and gw-c (E11,
county B) heartbeat and the job runs: gw-a has been silent 1 h > 180 s, so it goes
offline and its outage opens at T0 (when it was last heard); T0+3h gw-a heartbeats and
the outage closes. So in [T0, T0+6h) gw-a was offline 3 h of 6 h."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from monitoring.devices.services import gateway_create, sensor_create
from monitoring.ingest.services import message_store
from monitoring.tasks import gateways_offline

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
H = timedelta(hours=1)


def heartbeat(code: str, at: datetime) -> None:
    message_store({"v": 1, "kind": "heartbeat", "gateway": code}, uuid.uuid4().hex, now=at)


def job(at: datetime) -> int:
    """The job runner's gateways_offline, run at `at` (its timestamp is the clock)."""
    return gateways_offline(timestamp=int(at.timestamp()))


@dataclass
class Plant:
    world: object
    codes: tuple[str, str, str]


def _gateway(ent, code: str):
    gw = gateway_create(enterprise=ent, code=code, name=f"网关{code}", geom=ent.geom)
    sensor_create(gateway=gw, point=f"{code}.level", name="液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, geom=ent.geom)
    return gw


@pytest.fixture(autouse=True)
def _utc(settings):
    settings.TIME_ZONE = "UTC"
    settings.GATEWAY_OFFLINE_SECONDS = 180


@pytest.fixture
def gateways(world):
    e1, e2, e11 = world.enterprises_a[0], world.enterprises_a[1], world.enterprises_b[0]
    codes = ("gw-a", "gw-b", "gw-c")
    for ent, code in zip((e1, e2, e11), codes, strict=True):
        _gateway(ent, code)
    yield Plant(world, codes)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = ANY(%s)", [list(codes)])


@pytest.fixture
def outage(gateways):
    """The timeline above, played through to T0+3h."""
    for code in gateways.codes:
        heartbeat(code, T0)
    heartbeat("gw-b", T0 + H)
    heartbeat("gw-c", T0 + H)
    assert job(T0 + H) == 1
    heartbeat("gw-a", T0 + 3 * H)
    return gateways
