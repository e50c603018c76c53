"""Online rate (在线率) with a real gateway killed and restarted: a real collector agent
process heartbeats through a real broker to a real `manage.py ingest` worker; SIGKILL
silences it, the gateways_offline job (its function, on the real clock, with the offline
threshold at a few seconds) marks it offline and opens an outage from when it was last
heard, the restarted agent's first message closes it, and the online rate over the window
is the one hand-computed from the outage's recorded start and end."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.urls import get_resolver

from geo.scope import EVERYTHING
from monitoring.devices.models import Gateway
from monitoring.devices.services import gateway_create, sensor_create
from monitoring.operation import selectors
from monitoring.operation.models import Outage
from monitoring.operation.selectors import OutageFilter
from monitoring.tasks import gateways_offline
from tests.collectors.conftest import (
    GATEWAY,
    HMAC_HEX,
    ROOT,
    Proc,
    agent,  # noqa: F401  (real processes: agent, broker, simulator)
    agent_yaml,
    broker,  # noqa: F401
    free_port,
    modbus_source,
    procs,  # noqa: F401
    simulator,  # noqa: F401
    tank_points,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)
OFFLINE_SECONDS = 3  # GATEWAY_OFFLINE_SECONDS for the job: silent this long is offline


def _worker(tmp_path, port: int) -> Proc:
    """`manage.py ingest` on the test database (the worker commits what the test reads)."""
    import os

    url = urlsplit(os.environ["DATABASE_URL"])
    db = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return Proc([sys.executable, "manage.py", "ingest", "--mqtt-url",
                 f"mqtt://127.0.0.1:{port}", "--client-id", "ingest-op"], ROOT,
                tmp_path / "worker.log", env={"DATABASE_URL": db}).start()


def _gateway() -> Gateway:
    return Gateway.objects.get(code=GATEWAY)


def _open_outage() -> Outage | None:
    return Outage.objects.filter(gateway_id=GATEWAY, cause="offline").first()


@pytest.fixture
def plant(world, settings):
    settings.GATEWAY_OFFLINE_SECONDS = OFFLINE_SECONDS
    ent = world.enterprises_a[0]
    gw = gateway_create(enterprise=ent, code=GATEWAY, name="罐区网关", geom=ent.geom)
    Gateway.objects.filter(pk=gw.pk).update(hmac_key=HMAC_HEX)  # the agent's key
    sensor_create(gateway=gw, point="T-101.level", name="液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, geom=ent.geom)
    yield world
    with connection.cursor() as cursor:  # not Django-managed (partitioned): not flushed
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = %s", [GATEWAY])


def test_online_rate_with_the_agent_killed_and_restarted(
        plant, tmp_path, broker, simulator, agent, procs):  # noqa: F811
    port = broker().port
    worker = _worker(tmp_path, port)
    procs.append(worker)
    # While the worker starts: the URLconf (Dash apps and all) is imported by the first
    # reverse(), the offline alarm's; seconds that would otherwise fall inside the outage.
    get_resolver().reverse_dict  # noqa: B018
    wait_until(lambda: "subscribed as ingest-op" in worker.text(), 60, what="ingest worker")
    mb = free_port()
    simulator(mb)
    uplink = {"id": "mqtt", "type": "mqtt", "url": f"mqtt://127.0.0.1:{port}",
              "hmac_key": HMAC_HEX, "timeout": 5, "ack": "platform", "ack_timeout": 5,
              "backoff": {"initial": 0.05, "max": 0.3}}
    config = agent_yaml(tmp_path, [modbus_source(mb)], tank_points(0.5)[:1], [uplink])

    first = agent(config)
    wait_until(lambda: _gateway().online, 30, what="the agent heard")
    window_start = datetime.now(UTC)  # heard from here on: online unless the log says not
    time.sleep(1.5)                    # a couple of heartbeats (one a second)
    first.kill9()
    time.sleep(0.5)                    # a message in flight at the kill has landed by now
    last_heard = _gateway().last_seen
    assert _open_outage() is None      # nothing open while it was heard

    # the job on the real clock, once the silence is past the threshold
    wait_until(lambda: datetime.now(UTC) >= last_heard + timedelta(seconds=OFFLINE_SECONDS + 1),
               10, what="the silence past the threshold")
    assert gateways_offline(timestamp=int(time.time())) == 1
    outage = _open_outage()
    assert not _gateway().online
    assert (outage.started, outage.ended) == (last_heard, None)  # from when last heard
    time.sleep(1.0)                    # down a while longer

    restarted_at = datetime.now(UTC)
    agent(config)                      # the same config and journal, a new process
    wait_until(lambda: _open_outage().ended is not None, 30,
               what="the restarted agent's first message closing the outage")
    outage = _open_outage()
    assert restarted_at < outage.ended <= _gateway().last_seen and _gateway().online
    time.sleep(1.0)                    # online again a while
    window_end = datetime.now(UTC)

    # hand-computed: one gateway, down from the outage's start to its end, inside the window
    span = (window_end - window_start).total_seconds()
    down = (outage.ended - outage.started).total_seconds()
    rows = selectors.operation_rows(scope=EVERYTHING, level="enterprise", start=window_start,
                                    end=window_end, now=window_end)
    assert [(r.key, r.gateways, r.online_now) for r in rows] == [
        (str(plant.enterprises_a[0].pk), 1, 1)]
    assert rows[0].down_seconds == pytest.approx(down, abs=1e-6)
    assert rows[0].rate == pytest.approx(1 - down / span, abs=1e-9)
    assert 0 < rows[0].rate < 1        # a real outage of seconds in a window of seconds
    # the outage log (设备异常日志) shows the one spell
    log = selectors.outages_list(scope=EVERYTHING, where=OutageFilter(
        window_start, window_end, cause="offline"))
    assert list(log.values_list("gateway_id", "started", "ended")) == [
        (GATEWAY, outage.started, outage.ended)]
    assert worker.p.poll() is None, worker.text()[-2000:]  # one worker throughout
