"""Gateways gone silent go offline, their sensors blue; run by the job runner's worker."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from monitoring.alarms.models import Alarm
from monitoring.devices.models import Gateway, Sensor
from monitoring.devices.services import gateway_create, gateways_offline_mark, sensor_create
from monitoring.tasks import gateways_offline

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def _gateway(enterprise, code: str, last_seen):
    gw = gateway_create(enterprise=enterprise, code=code, name=code, geom=enterprise.geom)
    sensor_create(gateway=gw, point=f"{code}.level", name="液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, geom=enterprise.geom)
    Gateway.objects.filter(code=code).update(online=True, last_seen=last_seen)
    return gw


def test_silent_gateways_go_offline_and_their_sensors_blue(world, settings):
    settings.GATEWAY_OFFLINE_SECONDS = 180
    ent = world.enterprises_a[0]
    _gateway(ent, "gw-quiet", NOW - timedelta(seconds=181))
    _gateway(ent, "gw-live", NOW - timedelta(seconds=30))
    assert gateways_offline_mark(now=NOW) == ["gw-quiet"]
    online = dict(Gateway.objects.values_list("code", "online"))
    assert online == {"gw-quiet": False, "gw-live": True}
    states = dict(Sensor.objects.values_list("point", "alarm_state"))
    assert states == {"gw-quiet.level": "offline", "gw-live.level": "unknown"}
    assert Sensor.objects.get(point="gw-quiet.level").alarm_level == 4
    assert gateways_offline_mark(now=NOW) == []  # already offline: nothing again


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_job(world):
    """The worker `make demo` starts (`manage.py procrastinate worker`), on the test
    database, takes the deferred job and runs it."""
    ent = world.enterprises_a[0]
    _gateway(ent, "gw-quiet", datetime.now(UTC) - timedelta(hours=1))
    gateways_offline.defer(timestamp=int(datetime.now(UTC).timestamp()))
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": urlunsplit(
        url._replace(path="/" + connection.settings_dict["NAME"]))}
    subprocess.run([sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
                    "-q", "monitoring"], env=env, check=True, timeout=120,
                   capture_output=True)
    # ours, and the one the worker itself defers for the current minute (periodic)
    statuses = set(ProcrastinateJob.objects.filter(
        task_name="monitoring.tasks.gateways_offline").values_list("status", flat=True))
    assert statuses == {"succeeded"}
    assert not Gateway.objects.get(code="gw-quiet").online
    # and the silent gateway has its offline alarm
    assert list(Alarm.objects.values_list("key", "kind", "level")) == [
        ("offline:gw-quiet", "offline", 4)]


def test_every_scheduled_job_is_registered():
    """The jobs `make demo`'s worker schedules, with when (UTC cron)."""
    crons = {task.name: cron for task, cron in
             ((p.task, p.cron) for p in app.periodic_registry.periodic_tasks.values())}
    assert crons == {
        "enforcement.tasks.case_deadlines": "7 * * * *",
        "enforcement.tasks.credit_listings_expire": "41 2 * * *",
        "enforcement.tasks.dangers_nudge": "13 * * * *",
        "enforcement.tasks.grids_assign": "*/15 * * * *",
        "geo.tasks.oauth_tokens_prune": "37 4 * * *",
        "monitoring.tasks.commitments_mismatch": "*/10 * * * *",
        "monitoring.tasks.gateways_offline": "* * * * *",
        "monitoring.tasks.outages_old": "23 3 * * *",
        "monitoring.tasks.readings_partitions": "17 * * * *",
        "monitoring.tasks.reports_due": "0 17 * * *",  # 01:00 in Asia/Shanghai
        "monitoring.tasks.upstream_exchange": "* * * * *",
        "monitoring.tasks.risk_scores": "*/5 * * * *",
        "monitoring.tasks.warnings_due": "* * * * *",
        "registry.tasks.daily_reminders": "30 23 * * *",
        "response.tasks.incident_reminders": "* * * * *",
        "tiles.tasks.tile_cache_prune": "41 * * * *",
    }
