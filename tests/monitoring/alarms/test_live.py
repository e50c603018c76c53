"""The chain live: the simulator's scripted stuck inlet valve, read over Modbus by a real
agent, published through a real broker to an ingest worker, becomes an alarm and an
orange warning in the park's and county's inboxes within seconds."""

from __future__ import annotations

import sys
import threading
import time

import pytest
import yaml
from django.db import connection

from collectors.simulator.serve import agent_config, mqtt_uplink
from geo.models import Notification
from monitoring.alarms.models import Alarm
from monitoring.devices.services import sensor_create
from monitoring.ingest.mqtt import Consumer
from tests.collectors.conftest import (  # noqa: F401  (real peers)
    Proc,
    agent,
    broker,
    free_port,
    procs,
    wait_until,
)


@pytest.mark.django_db(transaction=True)
def test_a_stuck_inlet_valve_reaches_the_park_and_county(gateway, places, broker, agent,  # noqa: F811
                                                         tmp_path, procs):  # noqa: F811
    sensor_create(gateway=gateway, point="T-101.level", name="T-101液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, threshold_h=8,
                  threshold_hh=10, geom=gateway.geom)
    mqtt = broker()
    modbus = free_port()
    sim = Proc([sys.executable, "-m", "collectors", "simulate", "--modbus-port", str(modbus),
                "--opcua-port", "0", "--tanks", "1", "--detectors", "1", "--tick", "0.2",
                "--start", "27"], tmp_path, tmp_path / "sim.log").start()
    procs.append(sim)
    wait_until(lambda: "simulator ready" in sim.text(), 60, what="simulator")
    config = agent_config(modbus, None, mqtt_uplink(f"mqtt://127.0.0.1:{mqtt.port}",
                                                    hmac_key=gateway.hmac_key),
                          gateway=gateway.code, journal=str(tmp_path / "journal.db"),
                          tanks=1, detectors=1, period=0.5)
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    stop = threading.Event()
    consumer = Consumer(f"mqtt://127.0.0.1:{mqtt.port}", client_id="ingest-live")
    worker = threading.Thread(target=_run, args=(consumer, stop), daemon=True)
    worker.start()
    try:
        wait_until(consumer.subscribed.is_set, 30, what="subscribed")
        agent(path)
        started = time.monotonic()
        # the valve sticks 3 s in; the level passes 8 m (H) then 10 m (HH) within ~10 s
        wait_until(lambda: Alarm.objects.filter(sensor__point="T-101.level", level=1,
                                                warning__isnull=False).exists(),
                   timeout=45, what="HH alarm with its warning")
        print(f"HH warning stored {time.monotonic() - started:.1f} s after the agent started")
    finally:
        stop.set()
        worker.join(10)
    alarm = Alarm.objects.get(sensor__point="T-101.level", kind="threshold")
    assert (alarm.direction, alarm.warning.level) == ("high", 2)
    told = set(Notification.objects.filter(kind="monitoring.warning", link__endswith=(
        f"/monitoring/warnings/{alarm.warning.pk}/")).values_list("recipient__username",
                                                                   flat=True))
    assert told == {"enterprise", "grid", "park", "county_a"}


def _run(consumer: Consumer, stop: threading.Event) -> None:
    try:
        consumer.run(stop)
    finally:
        connection.close()
