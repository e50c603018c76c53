"""Fixtures of the large-screen tests: a plant with a level sensor in each county, and
warnings raised through the real ingest path (`batch_store`, as collectors' batches are)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from monitoring.alarms.models import EarlyWarning
from monitoring.devices.services import gateway_create, sensor_create
from tests.monitoring.alarms.conftest import send, series

HIGH_HIGH = [17.0, 18.5, 18.6, 18.7, 18.8, 18.9, 19.0]  # HH level: an alarm, an orange warning


def plant(enterprise, code: str, points: int = 1):
    """A gateway at `enterprise` with `points` level sensors T-<i>.level (H 16, HH 18)."""
    gw = gateway_create(enterprise=enterprise, code=code, name=f"{code}网关", geom=enterprise.geom)
    for i in range(1, points + 1):
        sensor_create(gateway=gw, point=f"T-{i}.level", name=f"{i}号储罐液位", indicator="level",
                      measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                      threshold_hh=18, geom=enterprise.geom)
    return gw


def raise_warning(code: str, point: int = 1, seq0: int = 1) -> None:
    """Readings of one HH spell on sensor T-<point>.level of gateway `code`, stored by the
    ingest: its rules raise an alarm and grade its warning in the batch's transaction."""
    send(series(f"T-{point}.level", HIGH_HIGH, seq0=seq0), at=7, gateway_code=code)


def ingest(*batches: tuple[str, int]) -> float:
    """`raise_warning(code, point)` for each, in a thread of its own (Playwright's sync API
    runs an event loop in the test's thread, where Django refuses the ORM); returns the
    time.time() after the last commit."""
    done: list[float] = []

    def work() -> None:
        try:
            for code, point in batches:
                raise_warning(code, point, seq0=point * 100)
            done.append(time.time())
        finally:
            connection.close()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert done, "the ingest failed (see the thread's traceback above)"
    return done[0]


def clear_readings(*codes: str) -> None:
    # readings are partitioned, not flushed with the test's tables: a resend would be a dup
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = ANY(%s)", [list(codes)])


@pytest.fixture
def plants(world):
    """gw-a at county A's enterprise 1 (the enterprise user's), gw-b at county B's first."""
    yield plant(world.enterprises_a[0], "gw-a"), plant(world.enterprises_b[0], "gw-b")
    clear_readings("gw-a", "gw-b")


@pytest.fixture
def warnings_ab(plants):
    """One warning in each county, raised by the ingest."""
    raise_warning("gw-a")
    raise_warning("gw-b")
    return (EarlyWarning.objects.get(enterprise__division_code__startswith="320101"),
            EarlyWarning.objects.get(enterprise__division_code__startswith="320102"))
